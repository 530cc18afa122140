import { WeirError } from '../../errors/weir-error';
import type { Serde } from '../../serdes/serde';
import { stringSerde } from '../../serdes/string-serde';
import { type BytesKey, fromBytesKey, toBytesKey } from './bytes';

/** The UTF-8 bytes of an ASCII string, read as latin1, are the string itself. */
const ASCII = /^[\x00-\x7f]*$/;

/**
 * The serdes of one store, applied with the store name as topic argument (stores are not
 * topics; a serde that registers schemas per subject should be given the changelog topic name
 * by its owner instead).
 */
export class StoreSerdes<K, V> {
  private readonly asciiStringKeys: boolean;

  constructor(
    readonly store: string,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    this.asciiStringKeys = (keySerde as unknown) === stringSerde;
  }

  key(key: K): BytesKey {
    // Fast path for weir's string serde: no Buffer round trip per lookup for ASCII keys, and the
    // caller's string (whose hash V8 may have cached) keys the maps directly.
    if (this.asciiStringKeys && typeof key === 'string' && ASCII.test(key)) return key;
    const bytes = this.keySerde.serialize(this.store, key);
    if (bytes === null) throw new WeirError('SERIALIZATION_FAILED', 'store key serialized to null', { store: this.store, serde: this.keySerde.name });
    return toBytesKey(bytes);
  }

  /** Serialized value, or null when the serde maps the value to null (the store treats that as a delete). */
  value(value: V): Buffer | null {
    return this.valueSerde.serialize(this.store, value);
  }

  keyFrom(key: BytesKey): K {
    return this.keySerde.deserialize(this.store, fromBytesKey(key));
  }

  valueFrom(bytes: Buffer): V {
    return this.valueSerde.deserialize(this.store, bytes);
  }
}
