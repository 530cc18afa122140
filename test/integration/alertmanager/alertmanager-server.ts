/**
 * Shared by the Alertmanager tests: the server from ALERTMANAGER_URL (scripts/test.sh exports it
 * after `scripts/alertmanager.sh up`), a skip with a message when it is unset, a failure when
 * CI=true; and a private server on its own port, for a test that stops it.
 */
import type { TestContext } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

export function alertmanagerUrl(t: TestContext): string | undefined {
  const url = process.env.ALERTMANAGER_URL;
  if (url) return url;
  if (process.env.CI === 'true') throw new Error('ALERTMANAGER_URL is unset and CI=true: start one with scripts/alertmanager.sh up');
  t.skip('ALERTMANAGER_URL is unset: run `eval "$(scripts/alertmanager.sh up)"` and export ALERTMANAGER_URL to run it');
  return undefined;
}

/** An Alertmanager of the test's own (scripts/alertmanager.sh on `port`); `stop` keeps its data for a later `up`. */
export function privateAlertmanager(port: number) {
  const env = { ...process.env, ALERTMANAGER_PORT: String(port), ALERTMANAGER_DIR: `/tmp/weir-alertmanager-it-${port}` };
  const script = (action: 'up' | 'stop' | 'down') => promisify(execFile)('bash', [join(__dirname, '../../../scripts/alertmanager.sh'), action], { env, timeout: 600_000 });
  return {
    url: `http://127.0.0.1:${port}`,
    up: async () => {
      const { stdout } = await script('up');
      if (!/ALERTMANAGER_URL=/.test(stdout)) throw new Error(`scripts/alertmanager.sh up printed no URL: ${stdout}`);
    },
    stop: () => script('stop'),
    down: () => script('down'),
  };
}

export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  status: { state: string };
}

/** Alertmanager's current alerts (active, silenced, inhibited; resolved ones are not listed). */
export async function currentAlerts(url: string): Promise<GettableAlert[]> {
  const response = await fetch(`${url}/api/v2/alerts`);
  if (!response.ok) throw new Error(`GET /api/v2/alerts answered ${response.status}`);
  return (await response.json()) as GettableAlert[];
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
