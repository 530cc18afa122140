import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDemoOptions, DEFAULT_DEMO_OPTIONS } from '../../demo/demo-options';
import { isWeirError } from '../../errors/weir-error';

test('demo options: defaults, both flag forms, and errors naming the option', () => {
  assert.deepEqual(parseDemoOptions([]), DEFAULT_DEMO_OPTIONS);
  assert.deepEqual(parseDemoOptions(['--events', '2_000', '--speed=5000', '--seed', '9']), { ...DEFAULT_DEMO_OPTIONS, events: 2000, speed: 5000, seed: 9 });
  assert.equal(parseDemoOptions(['--speed', 'max']) !== 'help' && (parseDemoOptions(['--speed', 'max']) as { speed: unknown }).speed, 'max');
  assert.equal(parseDemoOptions(['--help']), 'help');
  for (const [argv, option] of [
    [['--events', '0'], '--events'],
    [['--events', '1.5'], '--events'],
    [['--speed', 'fast'], '--speed'],
    [['--seed'], '--seed'],
    [['--colour', 'red'], '--colour'],
  ] as const) {
    assert.throws(() => parseDemoOptions(argv), (e) => isWeirError(e, 'INVALID_CONFIG') && e.context.option === option, argv.join(' '));
  }
});
