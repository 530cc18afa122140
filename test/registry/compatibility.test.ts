import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as avro from 'avsc';
import { compatibilityProblems, type CompatibilityLevel } from '../../registry/compatibility';

const record = (fields: object[]) => avro.Type.forSchema({ type: 'record', name: 'R', namespace: 'dev.weir', fields } as avro.Schema);
const a = { name: 'a', type: 'int' };
const bDefault = { name: 'b', type: 'string', default: '' };
const bRequired = { name: 'b', type: 'string' };

const v1 = record([a]);
const withDefault = record([a, bDefault]);
const withRequired = record([a, bRequired]);
const widened = record([{ name: 'a', type: 'long' }]);
const dropped = record([bDefault]);

/** [level, candidate, existing versions oldest first, compatible?] */
const cases: [CompatibilityLevel, avro.Type, avro.Type[], boolean, string][] = [
  ['BACKWARD', withDefault, [v1], true, 'a new field with a default'],
  ['BACKWARD', withRequired, [v1], false, 'a new field without a default cannot read old data'],
  ['FORWARD', withRequired, [v1], true, 'old readers ignore the new field'],
  ['FORWARD', dropped, [v1], false, 'old readers miss a removed field without default'],
  ['BACKWARD', widened, [v1], true, 'int promotes to long'],
  ['FORWARD', widened, [v1], false, 'long does not narrow to int'],
  ['FULL', withDefault, [v1], true, 'default field both ways'],
  ['FULL', widened, [v1], false, 'promotion only one way'],
  ['NONE', record([{ name: 'a', type: 'string' }]), [v1], true, 'no checks'],
  // Transitive: compatible with the latest only (withRequired reads withRequired) but not with v1.
  ['BACKWARD', record([a, bRequired, { name: 'c', type: 'int', default: 0 }]), [v1, withRequired], true, 'latest only'],
  ['BACKWARD_TRANSITIVE', record([a, bRequired, { name: 'c', type: 'int', default: 0 }]), [v1, withRequired], false, 'every version'],
  ['BACKWARD', withRequired, [], true, 'first version'],
];

for (const [level, candidate, existing, compatible, why] of cases) {
  test(`${level}: ${why} -> ${compatible ? 'compatible' : 'incompatible'}`, () => {
    const problems = compatibilityProblems(level, candidate, existing.map((type, i) => ({ version: i + 1, type })));
    assert.equal(problems.length === 0, compatible, problems.join('; '));
  });
}
