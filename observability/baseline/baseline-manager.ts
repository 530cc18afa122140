/**
 * Everything the baselines do for one (service, metric) at each closed window, in order:
 * 1. score the forecasts the active and shadow models made for this window (shadow evaluation);
 * 2. learn from it unless a learning gate holds (maintenance, active incident, stabilization after
 *    a deployment), dividing out known-event multipliers so a sale does not become the norm; with
 *    `learnDelayWindows`, a window is learned that many windows later, its gate looked up then, so
 *    an incident that alerting declares after the window closed still keeps it out;
 * 3. every `reportEveryWindows`, build a drift report; `needs_retrain` starts a shadow fitted on
 *    the recent data (the active season shape with the recent level);
 * 4. forecast the next window: null during maintenance, multiplied during sales and holidays.
 */
import { WeirError } from '../../errors/weir-error';
import { SeededRandom } from '../../stats/random';
import type { BaselineModelVersion } from '../../schemas/baseline-model-version';
import type { DriftReport } from '../../schemas/drift-report';
import { buildDriftReport, fitRecent, type DriftThresholds, type RecentObservation } from './drift-report-builder';
import type { KnownEventsView } from './known-events-view';
import { ModelRegistry, modelIdOf, type ModelRegistryOptions, type ModelRegistryState } from './model-registry';
import type { BaselineForecast, IssuedForecast, ProfileLevel, SeasonalBaseline, SeasonalBaselineOptions } from './seasonal-baseline';
import type { BaselinePrediction } from './baseline-prediction';

export interface BaselineManagerOptions {
  readonly model?: SeasonalBaselineOptions;
  /**
   * Windows a closed window waits before it is learned from (default 0: at once). Alerting decides
   * on a window only after the baselines closed it, and its `incident` known event comes back later
   * still: learning that late keeps the incident's first windows out of the model, at the price of
   * forecasts that have not yet seen the last few windows.
   */
  readonly learnDelayWindows?: number;
  readonly registry?: ModelRegistryOptions;
  readonly drift?: DriftThresholds & {
    /** Windows between two drift reports. Default 12. */
    readonly reportEveryWindows?: number;
    /** Size of the recent window compared with the reference. Default 12. */
    readonly recentWindows?: number;
    /** Windows the recent model (and a retrained shadow) is fitted on. Default 12. */
    readonly refitWindows?: number;
    /** Blocks of `recentWindows` consecutive windows kept as the training reference: a seeded uniform sample of all since warm-up (every weekday, not only the last). Default 48. */
    readonly referenceBlocks?: number;
    /** Reference blocks needed before drift is judged. Default 24. */
    readonly minReferenceBlocks?: number;
    /** Windows the active model must have learned from before its residuals enter the reference. Default 2016 (a week of 5-minute windows). */
    readonly warmupWindows?: number;
  };
}

export interface BaselineManagerState {
  registry: ModelRegistryState;
  /** Reference blocks (a reservoir); absent in states stored before blocks (their value reservoir is dropped and refills). */
  blocks?: number[][];
  /** Blocks offered to the reservoir so far, and its random state. */
  blocksSeen?: number;
  blockRandom?: number;
  recent: RecentObservation[];
  windowsSinceReport: number;
  /** Closed windows not learned from yet (`learnDelayWindows`); absent in states stored before it existed. */
  unlearned?: PendingWindow[];
}

/** A closed window waiting to be learned, with the forecasts each model issued for it. */
interface PendingWindow {
  actual: number;
  start: number;
  end: number;
  issued?: (IssuedForecast & { version: string }) | null;
  shadowIssued?: (IssuedForecast & { version: string }) | null;
}

export interface WindowOutcome {
  /** Forecast made for the window that just closed, with its actual value. */
  readonly evaluated: BaselinePrediction;
  /** Forecast for the next window (actual null). */
  readonly next: BaselinePrediction;
  readonly changes: BaselineModelVersion[];
  readonly drift: DriftReport | null;
}

export class BaselineManager {
  private readonly registry: ModelRegistry;
  private readonly s: BaselineManagerState;

  private constructor(
    readonly service: string,
    readonly metric: string,
    private readonly options: BaselineManagerOptions,
    registry: ModelRegistry,
    state: BaselineManagerState,
  ) {
    const delay = options.learnDelayWindows ?? 0;
    if (!(Number.isInteger(delay) && delay >= 0)) throw new WeirError('INVALID_CONFIG', 'learnDelayWindows must be an integer >= 0', { option: 'learnDelayWindows', value: delay });
    this.registry = registry;
    this.s = state;
    this.s.blocks ??= [];
    delete (this.s as { reference?: unknown }).reference;
  }

  static create(service: string, metric: string, now: number, options: BaselineManagerOptions = {}): [BaselineManager, BaselineModelVersion] {
    const [registry, first] = ModelRegistry.create(service, metric, now, options.model, options.registry);
    const state: BaselineManagerState = { registry: registry.state(), blocks: [], recent: [], windowsSinceReport: 0 };
    return [new BaselineManager(service, metric, options, registry, state), first];
  }

  static restore(service: string, metric: string, state: BaselineManagerState, options: BaselineManagerOptions = {}): BaselineManager {
    const registry = ModelRegistry.restore(service, metric, state.registry, options.model, options.registry);
    return new BaselineManager(service, metric, options, registry, structuredClone(state));
  }

  get activeModel(): SeasonalBaseline {
    return this.registry.active;
  }

  get activeVersion(): BaselineModelVersion {
    return this.registry.activeVersion;
  }

  get shadowVersion(): BaselineModelVersion | null {
    return this.registry.shadowVersion;
  }

  /** Processes the actual value of the closed window [start, end). */
  observe(actual: number, start: number, end: number, view: KnownEventsView): WindowOutcome {
    const drift = this.options.drift ?? {};
    const adjustment = view.adjustment(this.service, this.metric, start, end);
    const block = view.learningBlock(this.service, start, end);
    const active = this.registry.active;
    const activeForecast = adjustment.suppressed ? null : scale(active.predict(start), adjustment.multiplier);
    const shadowModel = this.registry.shadow;
    const shadowForecast = adjustment.suppressed || !shadowModel ? null : scale(shadowModel.predict(start), adjustment.multiplier);
    // The forecasts as issued (before a promotion below can swap the models), unscaled as learning is.
    const issued = adjustment.suppressed ? null : issuedBy(active.predict(start), this.registry.activeVersion.version);
    const shadowIssued = adjustment.suppressed || !shadowModel ? null : issuedBy(shadowModel.predict(start), this.registry.shadowVersion!.version);
    const changes = this.registry.score(actual, activeForecast?.expected ?? null, shadowForecast?.expected ?? null, end);
    const evaluated = this.prediction(start, end, activeForecast, adjustment.suppressed, adjustment.multiplier, block, actual);

    if (activeForecast && activeForecast.expected > 0) {
      // The feature is the actual-to-forecast ratio: ~1 plus noise while the model fits, whatever the season.
      const feature = actual / activeForecast.expected;
      // The reference holds what the model was trained on, once it is warm (a week of windows on the hour-of-week profile).
      const reference = !block && activeForecast.level === 'hour_of_week' && active.samples >= (drift.warmupWindows ?? 2016);
      this.s.recent.push({ start, end, actual, feature, predicted: activeForecast.expected, reference });
      const keep = drift.recentWindows ?? 12;
      if (this.s.recent.length > keep) this.s.recent.splice(0, this.s.recent.length - keep);
    }
    this.learnDue({ actual, start, end, issued, shadowIssued }, view);

    let report: DriftReport | null = null;
    this.s.windowsSinceReport++;
    const recentWindows = drift.recentWindows ?? 12;
    if (this.s.windowsSinceReport >= (drift.reportEveryWindows ?? 12) && this.s.recent.length >= recentWindows) {
      this.s.windowsSinceReport = 0;
      if (this.s.blocks!.length >= Math.max(2, drift.minReferenceBlocks ?? 24)) {
        report = this.driftReport();
        if (report.needs_retrain && !block && !this.registry.shadow) changes.push(...this.trainShadow(end, report));
      }
      // A block that showed no drift joins the reference (one that did stays out: it is what a shadow is trained on).
      if (!report?.needs_retrain) this.offerBlock(start - (recentWindows - 1) * (end - start), end - start);
    }
    if (changes.some((c) => c.status === 'active' && c.version !== evaluated.model_version)) this.resetDriftWindow();

    const nextStart = end;
    const nextEnd = end + (end - start);
    const nextAdjustment = view.adjustment(this.service, this.metric, nextStart, nextEnd);
    const nextForecast = nextAdjustment.suppressed ? null : scale(this.registry.active.predict(nextStart), nextAdjustment.multiplier);
    const next = this.prediction(nextStart, nextEnd, nextForecast, nextAdjustment.suppressed, nextAdjustment.multiplier, view.learningBlock(this.service, nextStart, nextEnd), null);
    return { evaluated, next, changes, drift: report };
  }

  /** Learns the windows whose delay is over, each unless a learning gate holds for it now. */
  private learnDue(closed: PendingWindow, view: KnownEventsView): void {
    const pending = (this.s.unlearned ??= []);
    pending.push(closed);
    const delay = this.options.learnDelayWindows ?? 0;
    while (pending.length > delay) {
      const w = pending.shift()!;
      if (view.learningBlock(this.service, w.start, w.end)) continue;
      const learned = w.actual / view.adjustment(this.service, this.metric, w.start, w.end).multiplier;
      this.registry.active.learn(learned, w.start, issuedFor(w.issued, this.registry.activeVersion.version) ?? issuedFor(w.shadowIssued, this.registry.activeVersion.version));
      if (this.registry.shadow) this.registry.shadow.learn(learned, w.start, issuedFor(w.shadowIssued, this.registry.shadowVersion!.version));
    }
  }

  /** The recent window becomes a reference block if its windows are consecutive and all may enter the reference. */
  private offerBlock(firstStart: number, windowMs: number): void {
    const recent = this.s.recent;
    if (!recent.every((r, i) => r.reference && r.start === firstStart + i * windowMs)) return;
    const blocks = this.s.blocks!;
    const capacity = this.options.drift?.referenceBlocks ?? 48;
    // Algorithm R over blocks, seeded per model so that a replayed task keeps the same reference.
    const seen = (this.s.blocksSeen ?? 0) + 1;
    this.s.blocksSeen = seen;
    const random = new SeededRandom(this.s.blockRandom ?? hashSeed(`${this.service}/${this.metric}`));
    const slot = blocks.length < capacity ? blocks.length : random.nextInt(seen);
    this.s.blockRandom = random.snapshot();
    if (slot < capacity) blocks[slot] = recent.map((r) => r.feature);
  }

  /** Drift report of the active model over the recent window (also used on a cadence by `observe`). */
  driftReport(): DriftReport {
    const active = this.registry.active;
    return buildDriftReport(
      {
        modelId: modelIdOf(this.service, this.metric),
        service: this.service,
        metric: this.metric,
        modelVersion: this.registry.activeVersion.version,
        referenceBlocks: this.s.blocks!,
        recent: this.s.recent,
        // In ratio space the active model predicts 1 with its relative sigma.
        activeLevel: 1,
        activeRelativeSigma: active.relativeSigma(),
      },
      this.options.drift,
    );
  }

  /** Live state (see ModelRegistry.state): serialize or copy it before the next `observe`. */
  state(): BaselineManagerState {
    this.s.registry = this.registry.state();
    return this.s;
  }

  /** A shadow fitted on recent data: the active model's season shape with the level of the last `refitWindows` windows. */
  private trainShadow(now: number, report: DriftReport): BaselineModelVersion[] {
    const refit = this.s.recent.slice(-(this.options.drift?.refitWindows ?? 12)).map((r) => r.feature);
    const { level: ratio } = fitRecent(refit);
    const shadow = this.registry.active.withLevel(this.registry.active.level * ratio);
    return this.registry.startShadow(shadow, now, `retrained on ${refit.length} recent windows: ${report.reasons.join('; ')}`);
  }

  /** After a promotion the reference becomes the new model's training data and the recent window starts over. */
  private resetDriftWindow(): void {
    // The new model's residual ratios are not known yet: the reference refills as it is scored.
    this.s.blocks = [];
    this.s.blocksSeen = 0;
    this.s.recent = [];
    this.s.windowsSinceReport = 0;
  }

  private prediction(start: number, end: number, forecast: BaselineForecast | null, suppressed: boolean, multiplier: number, block: string | null, actual: number | null): BaselinePrediction {
    return {
      model_id: modelIdOf(this.service, this.metric),
      service: this.service,
      metric: this.metric,
      model_version: this.registry.activeVersion.version,
      window_start: start,
      window_end: end,
      actual,
      expected: forecast?.expected ?? null,
      lower: forecast?.lower ?? null,
      upper: forecast?.upper ?? null,
      profile: (forecast?.level ?? null) as ProfileLevel | null,
      band_sigmas: forecast?.multiplier ?? null,
      band_coverage: forecast?.coverage ?? null,
      multiplier,
      suppressed,
      learning_blocked_by: block,
    };
  }
}

function scale(forecast: BaselineForecast | null, multiplier: number): BaselineForecast | null {
  if (!forecast || multiplier === 1) return forecast;
  return { ...forecast, expected: forecast.expected * multiplier, lower: forecast.lower * multiplier, upper: forecast.upper * multiplier };
}

function issuedBy(forecast: BaselineForecast | null, version: string): PendingWindow['issued'] {
  return forecast && forecast.expected > 0 ? { version, expected: forecast.expected, lower: forecast.lower, upper: forecast.upper, level: forecast.level, sigma: forecast.sigma } : null;
}

/** The forecast `version` issued, if it was the one that issued it (a promotion in between changes the model). */
function issuedFor(issued: PendingWindow['issued'], version: string): IssuedForecast | undefined {
  return issued && issued.version === version ? issued : undefined;
}

function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
