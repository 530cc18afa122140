/**
 * A few requests of two services over two minutes, in arrival order, shared by the test (which
 * asserts their rollups exactly) and `main.ts` (which runs them on the embedded log).
 */
import type { Request } from './topology';

/** 09:00:00 UTC on 5 January 2026, a minute boundary. */
export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

export interface SampleRequest {
  readonly service: string;
  readonly request: Request;
  /** Event time, epoch ms. */
  readonly timestamp: number;
}

const at = (seconds: number) => START + seconds * 1_000;
const cart = (durationMs: number, status = 200): Request => ({ route: '/cart', status, durationMs });
const search = (durationMs: number, status = 200): Request => ({ route: '/search', status, durationMs });

export const SAMPLE_REQUESTS: readonly SampleRequest[] = [
  { service: 'checkout', request: cart(10), timestamp: at(1) },
  { service: 'search', request: search(120), timestamp: at(10) },
  { service: 'checkout', request: cart(20), timestamp: at(5) },
  { service: 'checkout', request: cart(30), timestamp: at(12) },
  { service: 'search', request: search(80), timestamp: at(20) },
  { service: 'checkout', request: cart(500, 503), timestamp: at(30) },
  { service: 'checkout', request: { route: '/health', status: 200, durationMs: 1 }, timestamp: at(50) },
  // The last millisecond of the first minute; a record at exactly 60 s opens the second.
  { service: 'search', request: search(100, 500), timestamp: at(59.999) },
  { service: 'search', request: search(90), timestamp: at(60) },
  { service: 'checkout', request: cart(15), timestamp: at(61) },
  // Out of order but within grace (stream time 61 s < 60 s + 5 s): still counts for the first minute.
  { service: 'checkout', request: cart(40), timestamp: at(45) },
  { service: 'checkout', request: cart(25), timestamp: at(64) },
  // Stream time reaches 66 s >= 60 s + 5 s: the first minute closes and its rollups are emitted.
  { service: 'search', request: search(110), timestamp: at(66) },
  // Too late for the closed first minute: dropped, and counted as a late record.
  { service: 'checkout', request: cart(999), timestamp: at(40) },
  { service: 'checkout', request: cart(35), timestamp: at(70) },
  { service: 'search', request: search(130), timestamp: at(75) },
];
