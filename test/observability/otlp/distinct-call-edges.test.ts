import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { to } from '../../../operators/to';
import { jsonSerde } from '../../../serdes/json-serde';
import { stringSerde } from '../../../serdes/string-serde';
import { CallGraph, type CallEdge } from '../../../observability/alerts/call-graph';
import { distinctCallEdges } from '../../../observability/otlp/distinct-call-edges';

const edge = (timestamp: number, caller: string, callee: string | null, n: number): CallEdge => ({
  timestamp,
  caller,
  callee,
  operation: 'GET',
  trace_id: '0'.repeat(31) + '1',
  span_id: n.toString(16).padStart(16, '0'),
  parent_span_id: null,
  duration_ms: 1,
  status_code: 200,
});

test('distinctCallEdges forwards each (caller, callee) pair once per interval of event time and drops edges without a callee', async () => {
  const builder = new StreamsBuilder();
  builder.stream('calls', { keySerde: stringSerde, valueSerde: jsonSerde<CallEdge>() }).pipe(distinctCallEdges({ name: 'call-edges', intervalMs: 60_000 }), to('out', { keySerde: stringSerde, valueSerde: jsonSerde<CallEdge>() }));
  const driver = await TopologyTestDriver.create(builder.build());
  try {
    const input = driver.createInputTopic('calls', stringSerde, jsonSerde<CallEdge>());
    const out = driver.createOutputTopic('out', stringSerde, jsonSerde<CallEdge>());
    const edges = [
      edge(0, 'a', 'b', 1), // forwarded
      edge(59_999, 'a', 'b', 2), // same minute
      edge(10, 'a', 'c', 3), // another pair
      edge(20, 'a', null, 4), // unknown callee
      edge(30, 'a', 'a', 5), // a call to itself is no dependency
      edge(60_000, 'a', 'b', 6), // next minute
      edge(61_000, 'b', 'a', 7), // the reverse pair is its own
    ];
    for (const e of edges) input.pipeInput(e.caller, e, e.timestamp);
    assert.deepEqual(out.readValuesToList().map((e) => e.span_id.replace(/^0+/, '')), ['1', '3', '6', '7']);
    assert.equal(driver.metric('call-edges-deduplicated'), 1);
    assert.equal(driver.metric('call-edges-unresolved-dropped'), 2);
  } finally {
    await driver.close();
  }
});

test('the call graph learns dependencies from call edges with a callee', () => {
  const graph = new CallGraph();
  graph.observeCall({ caller: 'frontend', callee: 'orders' });
  graph.observeCall({ caller: 'orders', callee: 'payments' });
  graph.observeCall({ caller: 'orders', callee: null });
  graph.observeCall({ caller: 'orders', callee: 'orders' });
  assert.deepEqual(graph.dependencies('orders'), ['payments']);
  assert.deepEqual(graph.dependents('orders'), ['frontend']);
  assert.deepEqual(graph.dependencies('payments'), []);
});
