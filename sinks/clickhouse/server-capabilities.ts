/**
 * What a ClickHouse server can do, derived from `SELECT version()`. The DDL, the row encoder and
 * the query module read only this set, never the version string, so a new variant is one entry here.
 */
import { WeirError } from '../../errors/weir-error';

export interface ServerCapabilities {
  /** The version string as the server reported it, e.g. `18.16.1` or `24.8.4.13`. */
  readonly version: string;
  /** `LowCardinality(T)`; before 19.x only with `allow_experimental_low_cardinality_type=1`. */
  readonly lowCardinality: boolean;
  readonly lowCardinalityNeedsSetting: boolean;
  /** `Map(K, V)` without experimental settings (21.8). Otherwise parallel key/value arrays. */
  readonly map: boolean;
  /** `DateTime64(3, 'UTC')` (20.1). Otherwise epoch milliseconds in a `UInt64`. */
  readonly dateTime64: boolean;
  /** Data-skipping indexes including `bloom_filter`, without experimental settings (20.1). */
  readonly skipIndexes: boolean;
  /** Column `CODEC(...)` (20.1 without caveats). */
  readonly codecs: boolean;
  /** Table `TTL` (20.1 without caveats). */
  readonly ttl: boolean;
  /** `non_replicated_deduplication_window`: a retried identical insert block is dropped (21.1). */
  readonly nonReplicatedDeduplication: boolean;
}

interface Release {
  readonly major: number;
  readonly minor: number;
}

function atLeast(release: Release, major: number, minor: number): boolean {
  return release.major > major || (release.major === major && release.minor >= minor);
}

/** Capabilities from a version string as returned by `SELECT version()`. */
export function capabilitiesFor(version: string): ServerCapabilities {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!match) {
    throw new WeirError('INVALID_CONFIG', 'cannot read the ClickHouse server version', { version });
  }
  const release: Release = { major: Number(match[1]), minor: Number(match[2]) };
  const modern = atLeast(release, 20, 1);
  return {
    version: version.trim(),
    lowCardinality: atLeast(release, 18, 12),
    lowCardinalityNeedsSetting: !atLeast(release, 19, 0),
    map: atLeast(release, 21, 8),
    dateTime64: modern,
    skipIndexes: modern,
    codecs: modern,
    ttl: modern,
    nonReplicatedDeduplication: atLeast(release, 21, 1),
  };
}

/** Session settings every statement and insert needs on this server. */
export function sessionSettings(capabilities: ServerCapabilities): Record<string, number> {
  return capabilities.lowCardinalityNeedsSetting ? { allow_experimental_low_cardinality_type: 1 } : {};
}
