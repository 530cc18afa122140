/**
 * HyperLogLog distinct counter with Ertl's improved estimator ("New cardinality estimation
 * algorithms for HyperLogLog sketches", 2017, algorithm 6): unbiased from 0 to 2^64 without the
 * empirical bias tables of HLL++ and without a switch to linear counting.
 *
 * Written here because the maintained npm option was measured unsound: `bloom-filters` 3.0.4's
 * HyperLogLog (m = 4096) was off by -58.8% at 100 distinct values, -50.1% at 1,000 and +19.3% at
 * 10,000 (it stores leading zeros instead of rho, so its linear-counting branch sees hit registers
 * as empty) and spends 230-350 us per update formatting a 64-bit hash as a binary string;
 * `hyperloglog-lite` needs a native addon whose install script npm blocks here.
 */
import { WeirError } from '../errors/weir-error';
import { murmur3 } from './murmur3';

export interface HyperLogLogOptions {
  /** log2 of the register count, 4..18. Default 14 (16,384 registers, standard error 1.04/sqrt(m) = 0.81%). */
  readonly precision?: number;
}

const SEED_HIGH = 0x9747b28c;
const SEED_LOW = 0x5bd1e995;
const ALPHA_INF = 1 / (2 * Math.LN2);

/**
 * ```ts
 * const users = new HyperLogLog();
 * users.add(event.user_id);
 * users.estimate(); // about the number of distinct user ids
 * ```
 */
export class HyperLogLog {
  readonly precision: number;
  private readonly registers: Uint8Array;

  constructor(options: HyperLogLogOptions = {}, registers?: Uint8Array) {
    this.precision = options.precision ?? 14;
    if (!Number.isInteger(this.precision) || this.precision < 4 || this.precision > 18) {
      throw new WeirError('INVALID_CONFIG', 'HyperLogLog precision must be an integer in 4..18', { option: 'precision', value: this.precision });
    }
    const m = 1 << this.precision;
    if (registers && registers.length !== m) {
      throw new WeirError('PROCESSING_FAILED', 'HyperLogLog registers do not match the precision', { precision: this.precision, registers: registers.length });
    }
    this.registers = registers ?? new Uint8Array(m);
  }

  /** Adds a value; two 32-bit hashes with different seeds make the 64-bit hash the estimator assumes. */
  add(value: string): void {
    const p = this.precision;
    const high = murmur3(value, SEED_HIGH);
    const index = high >>> (32 - p);
    const rest = (high << p) >>> 0;
    // rho: position of the first 1-bit in the 64 - p bits after the index, 1-based (64 - p + 1 when all are zero).
    const rho = rest !== 0 ? Math.clz32(rest) + 1 : 32 - p + Math.clz32(murmur3(value, SEED_LOW)) + 1;
    if (rho > this.registers[index]) this.registers[index] = rho;
  }

  /** Union: afterwards this sketch counts the values added to either. */
  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) {
      throw new WeirError('PROCESSING_FAILED', 'cannot merge HyperLogLog sketches of different precision', { precision: this.precision, other: other.precision });
    }
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < a.length; i++) if (b[i] > a[i]) a[i] = b[i];
  }

  estimate(): number {
    const m = this.registers.length;
    const q = 64 - this.precision;
    const histogram = new Float64Array(q + 2);
    for (let i = 0; i < m; i++) histogram[this.registers[i]]++;
    let z = m * tau(1 - histogram[q + 1] / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]);
    z += m * sigma(histogram[0] / m);
    return (ALPHA_INF * m * m) / z;
  }

  /** Register bytes, to keep the sketch in a state store. */
  toBytes(): Uint8Array {
    return this.registers.slice();
  }

  static fromBytes(bytes: Uint8Array): HyperLogLog {
    const precision = Math.log2(bytes.length);
    return new HyperLogLog({ precision }, Uint8Array.from(bytes));
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === previous) return z / 3;
  }
}
