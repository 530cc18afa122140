import type { Serde } from './serde';
import { WeirError } from '../errors/weir-error';

/** JSON values as UTF-8 bytes; the embedded demo's default serde. */
export function jsonSerde<T>(): Serde<T> {
  return {
    name: 'json',
    serialize(_topic, value) {
      return value === null || value === undefined ? null : Buffer.from(JSON.stringify(value));
    },
    deserialize(topic, data) {
      if (data === null) return null as T;
      try {
        return JSON.parse(data.toString('utf8')) as T;
      } catch (error) {
        throw new WeirError('DESERIALIZATION_FAILED', 'invalid JSON', { topic, bytes: data.length }, { cause: error });
      }
    },
  };
}
