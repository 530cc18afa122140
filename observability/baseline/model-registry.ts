/**
 * Model registry of one (service, metric): the active version, at most one shadow, and the
 * retired ones. A shadow is scored beside the active model over the same windows (MAPE of both on
 * the same actual values) and promoted when its error is lower by the configured margin; a shadow
 * that does not get there within `maxShadowWindows` is retired. Every status change is returned as
 * a BaselineModelVersion record for the `baselines` topic.
 */
import { MapeAccumulator } from '../../stats/mape';
import type { BaselineModelVersion, ModelStatus } from '../../schemas/baseline-model-version';
import { SeasonalBaseline, type SeasonalBaselineOptions, type SeasonalBaselineState } from './seasonal-baseline';

export interface ModelRegistryOptions {
  /** The shadow is promoted when its MAPE <= active MAPE * (1 - margin). Default 0.1. */
  readonly promotionMargin?: number;
  /** Windows a shadow is scored over before it can be promoted. Default 12. */
  readonly minShadowWindows?: number;
  /** A shadow not promoted after this many scored windows is retired. Default 288. */
  readonly maxShadowWindows?: number;
  /** Major version number of new models (`v<major>.<minor>`). Default 1. */
  readonly major?: number;
}

interface Slot {
  version: BaselineModelVersion;
  model: SeasonalBaselineState;
  score: { sum: number; pairs: number; skipped: number };
}

export interface ModelRegistryState {
  nextMinor: number;
  active: Slot;
  shadow: Slot | null;
  shadowWindows: number;
  /** Versions retired so far (records only). */
  retired: BaselineModelVersion[];
}

/** `p99_latency` is registered as `latency`, as in `checkout/latency/v1.2`. */
export function modelIdOf(service: string, metric: string): string {
  return `${service}/${metric === 'p99_latency' ? 'latency' : metric}`;
}

export class ModelRegistry {
  private readonly s: ModelRegistryState;
  private activeModel: SeasonalBaseline;
  private shadowModel: SeasonalBaseline | null;
  private activeScore: MapeAccumulator;
  private shadowScore: MapeAccumulator | null;

  private constructor(
    readonly service: string,
    readonly metric: string,
    private readonly modelOptions: SeasonalBaselineOptions,
    private readonly options: ModelRegistryOptions,
    state: ModelRegistryState,
  ) {
    this.s = state;
    this.activeModel = new SeasonalBaseline(modelOptions, state.active.model);
    this.shadowModel = state.shadow ? new SeasonalBaseline(modelOptions, state.shadow.model) : null;
    this.activeScore = new MapeAccumulator(state.active.score);
    this.shadowScore = state.shadow ? new MapeAccumulator(state.shadow.score) : null;
  }

  /** A registry with a fresh active model `v<major>.0`; the returned change announces it. */
  static create(service: string, metric: string, now: number, modelOptions: SeasonalBaselineOptions = {}, options: ModelRegistryOptions = {}): [ModelRegistry, BaselineModelVersion] {
    const model = new SeasonalBaseline(modelOptions);
    const version = versionRecord(service, metric, `v${options.major ?? 1}.0`, 'active', now, 0, model, 'first model');
    const state: ModelRegistryState = { nextMinor: 1, active: { version, model: model.state(), score: emptyScore() }, shadow: null, shadowWindows: 0, retired: [] };
    return [new ModelRegistry(service, metric, modelOptions, options, state), version];
  }

  static restore(service: string, metric: string, state: ModelRegistryState, modelOptions: SeasonalBaselineOptions = {}, options: ModelRegistryOptions = {}): ModelRegistry {
    return new ModelRegistry(service, metric, modelOptions, options, structuredClone(state));
  }

  get active(): SeasonalBaseline {
    return this.activeModel;
  }

  get activeVersion(): BaselineModelVersion {
    return this.s.active.version;
  }

  get shadow(): SeasonalBaseline | null {
    return this.shadowModel;
  }

  get shadowVersion(): BaselineModelVersion | null {
    return this.s.shadow?.version ?? null;
  }

  /** Starts a shadow version from `model` (retiring a shadow still under evaluation). */
  startShadow(model: SeasonalBaseline, now: number, note: string): BaselineModelVersion[] {
    const changes: BaselineModelVersion[] = [];
    if (this.s.shadow) changes.push(this.retire(this.s.shadow, now, 'replaced by a newer shadow'));
    const name = `v${this.options.major ?? 1}.${this.s.nextMinor++}`;
    const version = versionRecord(this.service, this.metric, name, 'shadow', now, model.samples, model, note);
    this.s.shadow = { version, model: model.state(), score: emptyScore() };
    this.s.shadowWindows = 0;
    this.shadowModel = new SeasonalBaseline(this.modelOptions, model.state());
    this.shadowScore = new MapeAccumulator();
    this.activeScore = new MapeAccumulator();
    changes.push(version);
    return changes;
  }

  /**
   * Scores both models' forecasts for one window against the actual value, then promotes or
   * retires the shadow when its evaluation is over.
   */
  score(actual: number, activeExpected: number | null, shadowExpected: number | null, now: number): BaselineModelVersion[] {
    if (!this.s.shadow || !this.shadowScore || activeExpected === null || shadowExpected === null) return [];
    this.activeScore.add(actual, activeExpected);
    this.shadowScore.add(actual, shadowExpected);
    this.s.shadowWindows++;
    const minWindows = this.options.minShadowWindows ?? 12;
    if (this.s.shadowWindows < minWindows) return [];
    const active = this.activeScore.result().mape;
    const shadow = this.shadowScore.result().mape;
    const margin = this.options.promotionMargin ?? 0.1;
    if (Number.isFinite(shadow) && Number.isFinite(active) && shadow <= active * (1 - margin)) return this.promote(now, active, shadow);
    if (this.s.shadowWindows >= (this.options.maxShadowWindows ?? 288)) {
      const slot = this.s.shadow;
      slot.version = { ...slot.version, error_mape: shadow };
      this.s.shadow = null;
      this.shadowModel = null;
      this.shadowScore = null;
      return [this.retire(slot, now, `not better than active after ${this.s.shadowWindows} windows (MAPE ${fmt(shadow)} vs ${fmt(active)})`)];
    }
    return [];
  }

  /**
   * Plain data for the registry store (models included). Live, not a copy: a cached store keeps
   * the reference and serializes it at commit, so a model updated every window costs no copy.
   */
  state(): ModelRegistryState {
    this.s.active.model = this.activeModel.stateRef();
    this.s.active.score = this.activeScore.state();
    if (this.s.shadow && this.shadowModel && this.shadowScore) {
      this.s.shadow.model = this.shadowModel.stateRef();
      this.s.shadow.score = this.shadowScore.state();
    }
    return this.s;
  }

  private promote(now: number, activeMape: number, shadowMape: number): BaselineModelVersion[] {
    const old = this.s.active;
    old.version = { ...old.version, error_mape: activeMape };
    const retired = this.retire(old, now, `replaced by ${this.s.shadow!.version.version} (MAPE ${fmt(shadowMape)} vs ${fmt(activeMape)})`);
    const slot = this.s.shadow!;
    slot.version = {
      ...slot.version,
      status: 'active',
      updated_at: now,
      error_mape: shadowMape,
      training_samples: this.shadowModel!.samples,
      note: `promoted: MAPE ${fmt(shadowMape)} vs active ${fmt(activeMape)} over ${this.s.shadowWindows} windows`,
    };
    this.s.active = slot;
    this.activeModel = this.shadowModel!;
    this.activeScore = new MapeAccumulator();
    this.s.shadow = null;
    this.shadowModel = null;
    this.shadowScore = null;
    return [retired, slot.version];
  }

  private retire(slot: Slot, now: number, note: string): BaselineModelVersion {
    const record: BaselineModelVersion = { ...slot.version, status: 'retired' as ModelStatus, updated_at: now, note };
    this.s.retired.push(record);
    // Only the last few retired versions are kept in the store; the topic keeps the full history.
    if (this.s.retired.length > 10) this.s.retired.shift();
    return record;
  }
}

function versionRecord(service: string, metric: string, version: string, status: ModelStatus, now: number, samples: number, model: SeasonalBaseline, note: string): BaselineModelVersion {
  const o = model.options();
  return {
    model_id: modelIdOf(service, metric),
    service,
    metric,
    version,
    status,
    trained_at: now,
    updated_at: now,
    training_samples: samples,
    error_mape: null,
    parameters: { level_alpha: o.levelAlpha, season_alpha: o.seasonAlpha, spread_alpha: o.spreadAlpha, band_sigmas: o.bandSigmas, level: model.level },
    note,
  };
}

function emptyScore() {
  return { sum: 0, pairs: 0, skipped: 0 };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : 'n/a';
}
