import { WeirError } from '../../errors/weir-error';
import type { Serde } from '../../topology/serde';
import { type BytesKey, fromBytesKey, toBytesKey } from './bytes';

/**
 * The serdes of one store, applied with the store name as topic argument (stores are not
 * topics; a serde that registers schemas per subject should be given the changelog topic name
 * by its owner instead).
 */
export class StoreSerdes<K, V> {
  constructor(
    readonly store: string,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {}

  key(key: K): BytesKey {
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
