import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run as clickhouse } from '../../cli/clickhouse-command';
import { run as query } from '../../cli/query-command';

async function stderrOf(job: () => Promise<number>): Promise<{ code: number; lines: string[] }> {
  const saved = console.error;
  const lines: string[] = [];
  console.error = (line: string) => lines.push(line);
  try {
    return { code: await job(), lines };
  } finally {
    console.error = saved;
  }
}

test('--database that is not a plain identifier is refused with exit code 2 before any SQL', async () => {
  const ddl = await stderrOf(() => clickhouse(['ddl', '--server-version', '24.8', '--database', 'weir; DROP TABLE x']));
  assert.equal(ddl.code, 2);
  assert.match(ddl.lines[0], /--database must be letters, digits and "_"/);
  const migrate = await stderrOf(() => clickhouse(['migrate', '--url', 'http://127.0.0.1:9', '--database', 'a.b']));
  assert.equal(migrate.code, 2);
  const answer = await stderrOf(() => query(['--last', '10m', '--url', 'http://127.0.0.1:9', '--database', 'a`b']));
  assert.equal(answer.code, 2);
  assert.match(answer.lines[0], /--database: not a valid ClickHouse database name: "a`b"/);
});
