/**
 * Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro body.
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format
 */
export const MAGIC_BYTE = 0;
export const HEADER_SIZE = 5;

/** Why a payload's header cannot be read, or null when it can; the reasons are the dead-letter texts. */
export function headerProblem(data: Buffer): string | null {
  if (data.length < HEADER_SIZE) return `truncated header: ${data.length} bytes, the wire format needs at least ${HEADER_SIZE}`;
  if (data[0] !== MAGIC_BYTE) return `bad magic byte ${data[0]}, expected ${MAGIC_BYTE}`;
  return null;
}

/** The schema id of a payload whose header is valid (see `headerProblem`). */
export function schemaIdOf(data: Buffer): number {
  return data.readInt32BE(1);
}

export function writeHeader(target: Buffer, schemaId: number): void {
  target[0] = MAGIC_BYTE;
  target.writeInt32BE(schemaId, 1);
}
