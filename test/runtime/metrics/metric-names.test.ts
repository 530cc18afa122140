import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, prometheusName, processorMetricName } from '../../../runtime/metrics/metric-names';

const ROOT = join(__dirname, '..', '..', '..');

test('Kafka Streams names map to Prometheus names one way: weir_ + group without -metrics + name, - as _', () => {
  assert.equal(prometheusName('stream-task-metrics', 'process-rate'), 'weir_stream_task_process_rate');
  assert.equal(prometheusName('stream-thread-metrics', 'commit-latency-avg'), 'weir_stream_thread_commit_latency_avg');
  assert.equal(prometheusName('stream-task-metrics', 'restore-remaining-records-total'), 'weir_stream_task_restore_remaining_records_total');
  assert.equal(prometheusName('consumer-fetch-manager-metrics', 'records-lag-max'), 'weir_consumer_fetch_manager_records_lag_max');
  assert.equal(processorMetricName('late-records-dropped', 'counter'), 'weir_stream_processor_node_late_records_dropped_total');
  assert.equal(processorMetricName('clickhouse-buffered-rows', 'gauge'), 'weir_stream_processor_node_clickhouse_buffered_rows');
  assert.equal(processorMetricName('alerts-total', 'counter'), 'weir_stream_processor_node_alerts_total', 'no second _total');
});

test('every runtime metric has a valid, unique Prometheus name; counters end in _total', () => {
  const names = METRICS.map((m) => prometheusName(m.group, m.name));
  assert.equal(new Set(names).size, names.length);
  for (const [i, m] of METRICS.entries()) {
    assert.match(names[i]!, /^[a-z_][a-z0-9_]*$/);
    if (m.type === 'counter') assert.match(names[i]!, /_total$/, `${m.name} is a counter`);
  }
  // The one exception, as in Kafka Streams: the remaining records fall as restoration goes on.
  assert.deepEqual(METRICS.filter((m) => m.type === 'gauge' && m.name.endsWith('-total')).map((m) => m.name), ['restore-remaining-records-total']);
  // The metrics the issue names are all there.
  for (const [group, name] of [
    ['stream-task-metrics', 'process-rate'], ['stream-task-metrics', 'process-total'], ['stream-task-metrics', 'process-latency-avg'], ['stream-task-metrics', 'process-latency-max'],
    ['stream-thread-metrics', 'commit-rate'], ['stream-thread-metrics', 'commit-latency-avg'], ['stream-thread-metrics', 'commit-latency-max'],
    ['consumer-fetch-manager-metrics', 'records-lag-max'], ['stream-state-updater-metrics', 'restore-records-rate'], ['stream-task-metrics', 'restore-remaining-records-total'],
    ['stream-task-metrics', 'dropped-records-total'], ['stream-task-metrics', 'dead-letter-records-total'], ['stream-thread-metrics', 'active-tasks'],
  ] as const) {
    assert.ok(METRICS.some((m) => m.group === group && m.name === name), `${group} ${name}`);
  }
});

/** Source files of the layers (not tests, tools or dependencies). */
function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (['node_modules', 'dist', 'test', 'bench', 'demo', 'generator', 'workloads', 'scripts', 'examples', '.cache', '.git'].includes(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('the README lists every metric: the runtime\'s and every counter and measure a processor of weir creates', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Metrics and health'));
  assert.ok(section.length > 0 && readme.includes('## Metrics and health'));
  for (const m of METRICS) assert.ok(section.includes(`\`${prometheusName(m.group, m.name)}\``), `README lists ${prometheusName(m.group, m.name)}`);
  const created = new Set<string>();
  for (const file of sources(ROOT)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/metrics\.counter\(\s*(?:fired \? )?'([a-z0-9-]+)'(?: : '([a-z0-9-]+)')?/g)) {
      created.add(processorMetricName(match[1]!, 'counter'));
      if (match[2]) created.add(processorMetricName(match[2], 'counter'));
    }
    for (const match of text.matchAll(/metrics\.measure\(\s*'([a-z0-9-]+)'([\s\S]*?)\);\n/g)) {
      created.add(processorMetricName(match[1]!, match[2]!.includes('monotonic: true') ? 'counter' : 'gauge'));
    }
  }
  for (const name of ['weir_stream_processor_node_alerts_fired_total', 'weir_stream_processor_node_alerts_suppressed_total', 'weir_stream_processor_node_clickhouse_buffered_rows', 'weir_stream_processor_node_clickhouse_failed_insert_attempts_total']) {
    assert.ok(created.has(name), `found ${name} among the processors' metrics (${[...created].join(', ')})`);
  }
  for (const name of created) assert.ok(section.includes(`\`${name}\``), `README lists ${name}`);
});
