/**
 * Answers aggregation queries: picks the table by range, estimates the cost first and refuses
 * above the budget with suggestions, and reuses an identical query's answer for a short TTL.
 */
import { WeirError } from '../errors/weir-error';
import type { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { effectiveRange, HOUR_MS, DAY_MS, routeQuery, SOURCES, validateQuery, type AggregationQuery, type QuerySource } from './aggregation-query';
import { estimateCost, type QueryCost } from './cost-estimator';
import { QueryCache, type QueryCacheOptions } from './query-cache';
import { renderAggregation, type ServiceAggregateRow } from './render-query';

/** One service's answer. Everything but `count` is weighted: an estimate over all events, sampled or not. */
export interface ServiceAggregate {
  readonly service: string;
  /** Events stored (after sampling). */
  readonly count: number;
  /** Sum of sample weights: the requests the kept events stand for. */
  readonly weightedCount: number;
  /** Sum of the weights of error events. */
  readonly weightedErrors: number;
  /** weightedErrors / weightedCount. */
  readonly errorRate: number;
  /** Weighted quantiles of duration_ms. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface QueryAnswer {
  readonly source: QuerySource;
  readonly range: { readonly from: number; readonly to: number };
  readonly cost: QueryCost;
  readonly sql: string;
  readonly rows: readonly ServiceAggregate[];
  readonly cached: boolean;
}

export interface QueryRouterOptions extends QueryCacheOptions {
  /** Most rows a query may be estimated to read (default 50 000 000). */
  readonly maxRows?: number;
}

export class QueryRouter {
  private readonly cache: QueryCache<QueryAnswer>;
  private readonly maxRows: number;

  constructor(
    private readonly connection: ClickHouseConnection,
    options: QueryRouterOptions = {},
  ) {
    this.cache = new QueryCache(options);
    this.maxRows = options.maxRows ?? 50_000_000;
    if (!(this.maxRows > 0)) throw new WeirError('INVALID_CONFIG', 'maxRows must be positive', { option: 'maxRows', value: options.maxRows });
  }

  get cacheStats(): { hits: number; misses: number } {
    return { hits: this.cache.hits, misses: this.cache.misses };
  }

  /** The table, range and SQL a query would use, and its estimated cost, without running it. */
  async explain(query: AggregationQuery): Promise<Omit<QueryAnswer, 'rows' | 'cached'>> {
    validateQuery(query);
    const source = routeQuery(query);
    const range = effectiveRange(query, source);
    const sql = renderAggregation(this.connection, query, source, range);
    const cost = await estimateCost(this.connection, query, source, range);
    return { source, range, cost, sql };
  }

  /** Runs the query, or throws `QUERY_OVER_BUDGET` with suggestions in `context.suggestions`. */
  async run(query: AggregationQuery): Promise<QueryAnswer> {
    validateQuery(query);
    const source = routeQuery(query);
    const range = effectiveRange(query, source);
    const sql = renderAggregation(this.connection, query, source, range);
    const hit = this.cache.get(sql);
    if (hit) return { ...hit, cached: true };
    const cost = await estimateCost(this.connection, query, source, range);
    if (cost.estimatedRows > this.maxRows) {
      const suggestions = this.suggest(query, source, cost);
      throw new WeirError('QUERY_OVER_BUDGET', `query would read about ${cost.estimatedRows} rows, above the budget of ${this.maxRows}; ${suggestions.join('; ')}`,
        { table: cost.table, estimatedRows: cost.estimatedRows, maxRows: this.maxRows, partsRead: cost.partsRead, suggestions });
    }
    const raw = await this.connection.rows<ServiceAggregateRow>(sql);
    const answer: QueryAnswer = { source, range, cost, sql, rows: raw.map(toAggregate), cached: false };
    this.cache.set(sql, answer);
    return answer;
  }

  private suggest(query: AggregationQuery, source: QuerySource, cost: QueryCost): string[] {
    const suggestions: string[] = [];
    const span = query.to - query.from;
    const fits = Math.max(60_000, Math.floor((span * this.maxRows) / cost.estimatedRows / 60_000) * 60_000);
    suggestions.push(`narrow the range to about ${formatSpan(fits)} or less`);
    if (!query.services || query.services.length === 0) suggestions.push('add a service filter (--service)');
    if (source.name === 'raw') suggestions.push(`use the rollup (--source ${span <= DAY_MS ? SOURCES.rollup_1m.name : SOURCES.rollup_1h.name})`);
    else if (source.name === 'rollup_1m') suggestions.push(`use the hourly rollup (--source ${SOURCES.rollup_1h.name})`);
    return suggestions;
  }
}

function toAggregate(row: ServiceAggregateRow): ServiceAggregate {
  const weightedCount = Number(row.weighted_count);
  const weightedErrors = Number(row.weighted_errors);
  return {
    service: row.service,
    count: Number(row.count),
    weightedCount,
    weightedErrors,
    // The kept rows' share of errors would overstate the rate while sampling drops successes but keeps every error.
    errorRate: weightedCount > 0 ? weightedErrors / weightedCount : 0,
    p50: Number(row.quantiles[0]),
    p95: Number(row.quantiles[1]),
    p99: Number(row.quantiles[2]),
  };
}

export function formatSpan(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return `${Math.round(ms / 60_000)}m`;
}
