import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { to } from '../../../operators/to';
import { jsonSerde } from '../../../serdes/json-serde';
import { stringSerde } from '../../../serdes/string-serde';
import { DLQ_HEADERS } from '../../../runtime/dead-letter';
import type { WideEvent } from '../../../schemas/wide-event';
import type { CallEdge } from '../../../observability/alerts/call-graph';
import { otlpTracesSerde, type OtlpEncoding } from '../../../observability/otlp/otlp-traces-serde';
import { fromOtlpSpans } from '../../../observability/otlp/from-otlp-spans';
import { OtlpSpanFactory, end, fail, serializeSpans, syntheticOtlpMessages } from '../../../workloads/otlp-spans';

const T = Date.UTC(2026, 0, 1);
const trace1 = '0'.repeat(31) + '1';
const trace2 = '0'.repeat(31) + '2';
const span = (n: number) => n.toString(16).padStart(16, '0');

/**
 * A checkout across four services, in two messages as a Collector batches them: frontend and orders
 * in the first, payments and worker in the second. Span ids are 1, 2, ... in creation order.
 */
function checkout(): { first: ReadableSpan[]; second: ReadableSpan[] } {
  const f = new OtlpSpanFactory();
  f.tracer('frontend', { 'cloud.region': 'eu-west-1', 'service.version': '1.4.2' });
  f.tracer('orders', { 'cloud.region': 'us-east-1', 'service.version': '2.0.0' });
  f.tracer('payments', { 'cloud.region': 'us-east-1' });
  f.tracer('worker', { 'deployment.environment.name': 'prod' });
  const page = f.start('frontend', 'GET /checkout/{id}', SpanKind.SERVER, T, {
    attributes: { 'http.route': '/checkout/{id}', 'http.request.method': 'GET', 'http.response.status_code': 200, 'user.id': 'u-42', 'customer.tier': 'pro', 'url.path': '/checkout/17' },
  }); // 1
  const render = f.start('frontend', 'render cart', SpanKind.INTERNAL, T + 2, { parent: page }); // 2
  end(render, T + 5);
  const callOrders = f.start('frontend', 'POST', SpanKind.CLIENT, T + 5, {
    parent: page,
    attributes: { 'http.request.method': 'POST', 'peer.service': 'orders-api', 'server.address': 'orders.internal', 'http.response.status_code': 201 },
  }); // 3
  // Legacy HTTP attribute names (semantic conventions before 1.20), the user id under enduser.id.
  const createOrder = f.start('orders', 'POST /orders', SpanKind.SERVER, T + 6, {
    parent: callOrders,
    attributes: { 'http.method': 'POST', 'http.route': '/orders', 'http.status_code': 201, 'enduser.id': 'u-42', items: [3, 1] },
  }); // 4
  const callPayments = f.start('orders', 'payments.Charge', SpanKind.CLIENT, T + 10, { parent: createOrder, attributes: { 'rpc.system': 'grpc', 'server.address': 'payments.svc' } }); // 5
  const charge = f.start('payments', 'payments.Charge', SpanKind.SERVER, T + 12, {
    parent: callPayments,
    startNanos: 250_000,
    attributes: { 'rpc.system': 'grpc', 'rpc.service': 'payments.Payments', 'user.id': 'u-42', retries: 0, sandbox: false },
  }); // 6
  charge.addEvent('exception', { 'exception.type': 'CardDeclined', 'exception.message': 'card declined: insufficient funds' });
  fail(charge, 'card declined');
  end(charge, T + 58);
  fail(callPayments, 'card declined');
  end(callPayments, T + 60);
  const publish = f.start('orders', 'orders publish', SpanKind.PRODUCER, T + 61, { parent: createOrder, attributes: { 'messaging.system': 'kafka' } }); // 7
  end(publish, T + 62);
  const callCache = f.start('orders', 'GET', SpanKind.CLIENT, T + 62, { parent: createOrder }); // 8
  end(callCache, T + 63);
  end(createOrder, T + 70);
  end(callOrders, T + 72);
  end(page, T + 120, 500_000);
  const consume = f.start('worker', 'orders process', SpanKind.CONSUMER, T + 80, { parent: publish, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' } }); // 9
  end(consume, T + 95);
  const reconcile = f.start('worker', 'nightly reconcile', SpanKind.INTERNAL, T + 100); // 10, a root: trace 2
  const scan = f.start('worker', 'scan', SpanKind.INTERNAL, T + 101, { parent: reconcile }); // 11
  end(scan, T + 300);
  end(reconcile, T + 400);
  const spans = f.take();
  const inFirst = (s: ReadableSpan) => ['frontend', 'orders'].includes(String(s.resource.attributes['service.name']));
  return { first: spans.filter(inFirst), second: spans.filter((s) => !inFirst(s)) };
}

const expectedEvents: WideEvent[] = [
  {
    timestamp: T + 120,
    service: 'frontend',
    operation: 'GET /checkout/{id}',
    method: 'GET',
    status_code: 200,
    duration_ms: 120.5,
    trace_id: trace1,
    span_id: span(1),
    parent_span_id: null,
    user_id: 'u-42',
    region: 'eu-west-1',
    customer_tier: 'pro',
    attributes: { 'service.version': '1.4.2', 'url.path': '/checkout/17' },
  },
  {
    timestamp: T + 70,
    service: 'orders',
    operation: 'POST /orders',
    method: 'POST',
    status_code: 201,
    duration_ms: 64,
    trace_id: trace1,
    span_id: span(4),
    parent_span_id: span(3),
    user_id: 'u-42',
    region: 'us-east-1',
    customer_tier: 'unknown',
    attributes: { 'service.version': '2.0.0', items: '[3,1]' },
  },
  {
    timestamp: T + 58,
    service: 'payments',
    operation: 'payments.Charge',
    method: 'grpc',
    status_code: 500,
    duration_ms: 45.75,
    trace_id: trace1,
    span_id: span(6),
    parent_span_id: span(5),
    user_id: 'u-42',
    region: 'us-east-1',
    customer_tier: 'unknown',
    attributes: {
      'rpc.system': 'grpc',
      'rpc.service': 'payments.Payments',
      retries: '0',
      sandbox: 'false',
      'otel.status_description': 'card declined',
      'exception.type': 'CardDeclined',
      'exception.message': 'card declined: insufficient funds',
    },
  },
  {
    timestamp: T + 95,
    service: 'worker',
    operation: 'orders process',
    method: 'kafka',
    status_code: 200,
    duration_ms: 15,
    trace_id: trace1,
    span_id: span(9),
    parent_span_id: span(7),
    user_id: null,
    region: 'unknown',
    customer_tier: 'unknown',
    attributes: { 'deployment.environment.name': 'prod', 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' },
  },
  {
    timestamp: T + 400,
    service: 'worker',
    operation: 'nightly reconcile',
    method: 'internal',
    status_code: 200,
    duration_ms: 300,
    trace_id: trace2,
    span_id: span(10),
    parent_span_id: null,
    user_id: null,
    region: 'unknown',
    customer_tier: 'unknown',
    attributes: { 'deployment.environment.name': 'prod' },
  },
];

const expectedCalls: CallEdge[] = [
  // The child SERVER span in the same message names the callee, over the caller's peer.service.
  { timestamp: T + 72, caller: 'frontend', callee: 'orders', operation: 'POST', trace_id: trace1, span_id: span(3), parent_span_id: span(1), duration_ms: 67, status_code: 201 },
  // The child is in the other message: server.address.
  { timestamp: T + 60, caller: 'orders', callee: 'payments.svc', operation: 'payments.Charge', trace_id: trace1, span_id: span(5), parent_span_id: span(4), duration_ms: 50, status_code: 500 },
  { timestamp: T + 63, caller: 'orders', callee: null, operation: 'GET', trace_id: trace1, span_id: span(8), parent_span_id: span(4), duration_ms: 1, status_code: 200 },
];

async function driverFor(encoding: OtlpEncoding) {
  const builder = new StreamsBuilder();
  const spans = builder.stream('otlp_spans', { keySerde: stringSerde, valueSerde: otlpTracesSerde(encoding) });
  const { events, calls } = spans.pipe(fromOtlpSpans({ name: 'otlp' }));
  events.pipe(to('wide-events', { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() }));
  calls.pipe(to('call-edges', { keySerde: stringSerde, valueSerde: jsonSerde<CallEdge>() }));
  const driver = await TopologyTestDriver.create(builder.build());
  return {
    driver,
    events: driver.createOutputTopic('wide-events', stringSerde, jsonSerde<WideEvent>()),
    calls: driver.createOutputTopic('call-edges', stringSerde, jsonSerde<CallEdge>()),
  };
}

const bySpan = <R extends { span_id: string }>(records: R[]) => [...records].sort((a, b) => a.span_id.localeCompare(b.span_id));

for (const encoding of ['otlp_proto', 'otlp_json'] as const) {
  test(`${encoding}: SDK spans become the expected wide events and call edges, keyed and stamped with their own time`, async () => {
    const { first, second } = checkout();
    const { driver, events, calls } = await driverFor(encoding);
    try {
      driver.pipeRaw('otlp_spans', [
        { key: null, value: serializeSpans(first, encoding), timestamp: T + 1_000 },
        { key: null, value: serializeSpans(second, encoding), timestamp: T + 1_000 },
      ]);
      const records = events.readRecordsToList();
      assert.deepEqual(bySpan(records.map((r) => r.value)), expectedEvents);
      for (const r of records) {
        assert.equal(r.key, `${r.value.service}|${r.value.operation}`);
        assert.equal(r.timestamp, r.value.timestamp);
      }
      const units = [...first, ...second].filter((s) => s.kind === SpanKind.SERVER || s.kind === SpanKind.CONSUMER || (s.kind === SpanKind.INTERNAL && !s.parentSpanContext));
      assert.equal(records.length, units.length);
      assert.equal(records.length, [...first, ...second].filter((s) => s.kind === SpanKind.SERVER || s.kind === SpanKind.CONSUMER).length + 1, 'one root INTERNAL span');
      const callRecords = calls.readRecordsToList();
      assert.deepEqual(bySpan(callRecords.map((r) => r.value)), expectedCalls);
      for (const r of callRecords) assert.equal(r.key, r.value.caller);
      assert.deepEqual(driver.deadLetters(), []);
    } finally {
      await driver.close();
    }
  });

  test(`${encoding}: as many events as SERVER spans over many messages`, async () => {
    const synthetic = syntheticOtlpMessages({ messages: 5, spansPerMessage: 40, services: 3, encoding });
    const { driver, events, calls } = await driverFor(encoding);
    try {
      driver.pipeRaw('otlp_spans', synthetic.messages.map((value, i) => ({ key: null, value, timestamp: T + i })));
      const out = events.readValuesToList();
      assert.equal(synthetic.spans, 200);
      assert.equal(out.length, synthetic.serverSpans);
      assert.equal(out.filter((e) => e.status_code === 503).length, 1, 'of 50 requests, number 0 failed (every 97th does)');
      assert.equal(calls.readValuesToList().length, synthetic.spans / 4);
    } finally {
      await driver.close();
    }
  });
}

test('malformed OTLP goes to the dead-letter topic with its reason, and the next message is processed', async () => {
  const { first } = checkout();
  const good = serializeSpans(first, 'otlp_proto');
  const { driver, events } = await driverFor('otlp_proto');
  try {
    const truncated = good.subarray(0, good.length - 7);
    driver.pipeRaw('otlp_spans', [
      { key: null, value: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), timestamp: T },
      { key: null, value: truncated, timestamp: T },
      { key: null, value: good, timestamp: T },
    ]);
    assert.equal(events.readValuesToList().length, 2, 'the good message: frontend and orders SERVER spans');
    const dead = driver.deadLetters();
    assert.equal(dead.length, 2);
    assert.deepEqual(dead.map((d) => d.value), [Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), truncated]);
    for (const d of dead) {
      assert.equal(d.headers[DLQ_HEADERS.code]!.toString(), 'DESERIALIZATION_FAILED');
      assert.equal(d.headers[DLQ_HEADERS.topic]!.toString(), 'otlp_spans');
      assert.match(d.headers[DLQ_HEADERS.error]!.toString(), /cannot decode otlp_proto: not a protobuf ExportTraceServiceRequest: /);
    }
  } finally {
    await driver.close();
  }
});

test('OTLP/JSON with a span missing its required fields is dead-lettered with the span and the field named', async () => {
  const { first } = checkout();
  const request = JSON.parse(serializeSpans(first, 'otlp_json').toString('utf8'));
  const cases: { change: (r: any) => void; reason: string }[] = [
    { change: (r) => delete r.resourceSpans[1].scopeSpans[0].spans[2].spanId, reason: 'resource_spans[1].scope_spans[0].spans[2]: span_id must be 8 bytes, got 0 bytes' },
    { change: (r) => (r.resourceSpans[0].scopeSpans[0].spans[0].traceId = '00000000000000000000000000000000'), reason: 'resource_spans[0].scope_spans[0].spans[0]: trace_id is all zeros (invalid)' },
    { change: (r) => delete r.resourceSpans[0].scopeSpans[0].spans[1].endTimeUnixNano, reason: 'resource_spans[0].scope_spans[0].spans[1]: end_time_unix_nano is missing' },
    { change: (r) => (r.resourceSpans[1].resource.attributes = []), reason: 'resource_spans[1].resource: resource attribute service.name is missing' },
    { change: (r) => (r.resourceSpans[0].scopeSpans[0].spans[0].name = ''), reason: 'resource_spans[0].scope_spans[0].spans[0]: name is missing' },
    { change: (r) => (r.resourceSpans[0].scopeSpans[0].spans[1].parentSpanId = 'not-hex-at-all!!'), reason: 'resource_spans[0].scope_spans[0].spans[1]: parent_span_id must be a hex string, got "not-hex-at-all!!"' },
  ];
  const { driver, events } = await driverFor('otlp_json');
  try {
    const bad = cases.map(({ change }) => {
      const copy = structuredClone(request);
      change(copy);
      return Buffer.from(JSON.stringify(copy));
    });
    driver.pipeRaw('otlp_spans', [...bad, Buffer.from('{"resourceSpans": [')].map((value) => ({ key: null, value, timestamp: T })));
    assert.deepEqual(events.readValuesToList(), [], 'a message with one bad span is dead-lettered whole: nothing of it is emitted');
    const reasons = driver.deadLetters().map((d) => d.headers[DLQ_HEADERS.error]!.toString());
    assert.equal(reasons.length, cases.length + 1);
    cases.forEach((c, i) => assert.ok(reasons[i].startsWith(`cannot decode otlp_json: ${c.reason} (`), reasons[i]));
    assert.match(reasons[cases.length], /^cannot decode otlp_json: not JSON: /);
  } finally {
    await driver.close();
  }
});
