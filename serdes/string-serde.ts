import type { Serde } from './serde';

/** UTF-8 strings; null stays null (a tombstone or a record without a key). */
export const stringSerde: Serde<string> = {
  name: 'string',
  serialize: (_topic, value) => (value === null || value === undefined ? null : Buffer.from(value, 'utf8')),
  deserialize: (_topic, data) => (data === null ? (null as unknown as string) : data.toString('utf8')),
};
