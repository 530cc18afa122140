import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWeirError } from '../../../errors/weir-error';
import { ClickHouseConnection } from '../../../sinks/clickhouse/connection';
import { renderDdl } from '../../../sinks/clickhouse/ddl';
import { ident } from '../../../sinks/clickhouse/dialect';
import { capabilitiesFor } from '../../../sinks/clickhouse/server-capabilities';

const HOSTILE = ['weir; DROP DATABASE weir', 'weir.x', '`weir`', 'we ir', '1weir', '', "weir'--", 'weir\n'];

test('a database name that is not a plain identifier is refused before anything is sent', async () => {
  for (const database of HOSTILE) {
    // Port 9 (discard): if the name were accepted, open() would try to connect and fail with SINK_UNAVAILABLE instead.
    await assert.rejects(ClickHouseConnection.open({ url: 'http://127.0.0.1:9', database, requestTimeoutMs: 1_000 }), (error: unknown) => {
      assert.ok(isWeirError(error, 'INVALID_CONFIG'), `${JSON.stringify(database)}: ${String(error)}`);
      assert.equal(error.context.option, 'database');
      assert.equal(error.context.value, database);
      return true;
    });
    assert.throws(() => renderDdl(capabilitiesFor('24.8'), { database }), (error: unknown) => isWeirError(error, 'INVALID_CONFIG'));
  }
});

test('identifiers weir generates pass unchanged', () => {
  for (const name of ['weir', 'weir_test_1', '_staging', 'Rollups1m']) assert.equal(ident(name), name);
});
