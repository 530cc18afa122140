/**
 * Avro compatibility levels as Confluent's Schema Registry defines them: BACKWARD means the new schema can read
 * data written with the previous one, FORWARD the reverse, FULL both; *_TRANSITIVE checks every earlier version
 * instead of only the latest. Reading one schema with another is avsc's resolver, which applies Avro's resolution rules.
 */
import * as avro from 'avsc';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** Why `reader` cannot read data written with `writer`, or null when it can. */
export function readProblem(reader: avro.Type, writer: avro.Type): string | null {
  try {
    reader.createResolver(writer);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The reasons a candidate schema breaks `level` against the existing versions of a subject (oldest first);
 * an empty list means compatible.
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: avro.Type,
  existing: readonly { readonly version: number; readonly type: avro.Type }[],
): string[] {
  if (level === 'NONE' || existing.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? existing : existing.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const { version, type: previous } of against) {
    if (backward) {
      const problem = readProblem(candidate, previous);
      if (problem !== null) problems.push(`new schema cannot read data written with version ${version} (${level}): ${problem}`);
    }
    if (forward) {
      const problem = readProblem(previous, candidate);
      if (problem !== null) problems.push(`version ${version} cannot read data written with the new schema (${level}): ${problem}`);
    }
  }
  return problems;
}
