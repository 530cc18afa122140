/** Speed of the synthetic traffic generator alone, so engine benches can subtract or compare it. */
import { TrafficGenerator } from '../generator';
import type { Benchmark } from './bench-result';

const EVENTS = 1_000_000;

export const benchmarks: Benchmark[] = [
  {
    name: 'generator-1m-40x4',
    run: async () => generate({ services: 40, operationsPerService: 4 }, '40 services x 4 ops, a week of event time'),
  },
  {
    name: 'generator-1m-200x20',
    run: async () => generate({ services: 200, operationsPerService: 20, durationMs: 86_400_000 }, '200 services x 20 ops, a day of event time'),
  },
];

async function generate(options: { services: number; operationsPerService: number; durationMs?: number }, notes: string) {
  const generator = new TrafficGenerator({ seed: 1, events: EVENTS, ...options });
  const started = performance.now();
  let checksum = 0;
  for (const e of generator.events()) checksum += e.status_code;
  const elapsedMs = performance.now() - started;
  if (checksum === 0) throw new Error('no events generated');
  return { events: EVENTS, elapsedMs, notes };
}
