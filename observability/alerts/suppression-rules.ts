/**
 * Suppression rules, evaluated in order on a decision above the threshold. A rule that suppresses,
 * dedupes or delays ends the evaluation; a downgrade lowers the severity and evaluation goes on,
 * so a low-impact victim at night is still suppressed as a victim rather than paged as "low".
 *
 * ```ts
 * const rules = defaultSuppressionRules(config);
 * const outcome = evaluateRules(rules, context); // { decision: 'suppress', rule: 'maintenance_window', note: ... }
 * ```
 */
import type { AlertDecision, AlertSeverity } from '../../schemas/alert';
import type { KnownEvent } from '../../schemas/known-event';
import type { Deployment } from '../../schemas/deployment';
import type { AlertConfig } from './alert-config';
import type { CorrelatedDecision } from './correlator';

/** What the rules may look at for one decision. */
export interface RuleContext {
  readonly decision: CorrelatedDecision;
  /** Known events active for the service during the window. */
  readonly knownEvents: readonly KnownEvent[];
  /** The latest deployment of the service at or before the window end. */
  readonly deployment: Deployment | undefined;
  /** The last alert fired for the service: when it stopped (resolved, or still firing: the window end) and its primary metric. */
  readonly lastAlert: { readonly id: string; readonly endedAt: number; readonly primary: string } | undefined;
}

export type RuleAction = Exclude<AlertDecision, 'fire'>;

export interface SuppressionRule {
  readonly name: string;
  readonly action: RuleAction;
  /** A note when the rule applies, undefined otherwise. */
  condition(context: RuleContext): string | undefined;
}

export interface RuleOutcome {
  readonly decision: AlertDecision;
  readonly severity: AlertSeverity;
  /** Rules that applied, in order. */
  readonly rules: string[];
  readonly note: string | null;
  /** For a dedupe: the alert it merges into. */
  readonly dedupeOf?: string;
}

const LOWER: Record<AlertSeverity, AlertSeverity> = { critical: 'high', high: 'medium', medium: 'low', low: 'low' };

function isBusinessHours(t: number, [from, to]: readonly [number, number]): boolean {
  const d = new Date(t);
  const day = d.getUTCDay();
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  return day >= 1 && day <= 5 && hour >= from && hour < to;
}

/** The five rules of the design, in their order. */
export function defaultSuppressionRules(config: AlertConfig): SuppressionRule[] {
  return [
    {
      name: 'maintenance_window',
      action: 'suppress',
      condition: ({ knownEvents }) => {
        const m = knownEvents.find((e) => e.kind === 'maintenance');
        return m ? `maintenance window ${m.id}${m.description ? ` (${m.description})` : ''}` : undefined;
      },
    },
    {
      name: 'cooldown',
      action: 'dedupe',
      condition: ({ decision, lastAlert }) =>
        lastAlert && decision.window_end - lastAlert.endedAt <= config.cooldownMs
          ? `similar alert ${lastAlert.id} (${lastAlert.primary}) within ${config.cooldownMs / 60_000} min`
          : undefined,
    },
    {
      name: 'deployment_grace_period',
      action: 'delay',
      condition: ({ decision, deployment }) =>
        deployment && decision.window_end - deployment.deployed_at < config.deploymentGraceMs && decision.window_end >= deployment.deployed_at
          ? `deployment ${deployment.version} at ${new Date(deployment.deployed_at).toISOString()}: re-evaluated after ${config.deploymentGraceMs / 60_000} min`
          : undefined,
    },
    {
      name: 'off_hours_low_impact',
      action: 'downgrade',
      condition: ({ decision }) =>
        !isBusinessHours(decision.window_start, config.businessHours) && decision.impact.impactPerHour < config.lowImpactPerHour
          ? `off hours, impact ${decision.impact.impactPerHour.toFixed(0)}/h below ${config.lowImpactPerHour}/h`
          : undefined,
    },
    {
      name: 'dependency_victim',
      action: 'suppress',
      condition: ({ decision }) => (decision.roots.length ? `victim of upstream ${decision.roots.join(', ')}` : undefined),
    },
  ];
}

export function evaluateRules(rules: readonly SuppressionRule[], context: RuleContext): RuleOutcome {
  let severity = context.decision.severity ?? 'low';
  const applied: string[] = [];
  const notes: string[] = [];
  for (const rule of rules) {
    const note = rule.condition(context);
    if (note === undefined) continue;
    applied.push(rule.name);
    notes.push(note);
    if (rule.action === 'downgrade') {
      severity = LOWER[severity];
      continue;
    }
    return { decision: rule.action, severity, rules: applied, note: notes.join('; '), dedupeOf: rule.action === 'dedupe' ? context.lastAlert?.id : undefined };
  }
  return { decision: applied.length ? 'downgrade' : 'fire', severity, rules: applied, note: notes.length ? notes.join('; ') : null };
}
