/**
 * `npm run eval -- --nab <folder> [--out <dir>]`: scores weir's detector on a NAB folder.
 * `npm run eval -- --scenarios [--seeds 1,2,3] [--events 3000000]`: precision, recall, false-positive
 * rate and delay on labelled generated scenarios.
 */
import { parseArgs } from 'node:util';
import { formatNabReport, runNab } from './nab/run-nab';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nab: { type: 'string' },
      out: { type: 'string' },
      scenarios: { type: 'boolean', default: false },
      seeds: { type: 'string' },
      events: { type: 'string' },
    },
  });
  if (!values.nab && !values.scenarios) {
    process.stderr.write('usage: npm run eval -- --nab <folder> [--out <dir>] | --scenarios [--seeds 1,2,3] [--events N]\n');
    process.exitCode = 2;
    return;
  }
  if (values.nab) {
    const run = await runNab({ folder: values.nab, outDir: values.out });
    process.stdout.write(`## NAB (${values.nab})\n\n${formatNabReport(run)}\n\n`);
  }
  if (values.scenarios) {
    const { runScenarios, formatScenarioReport } = await import('./scenarios/run-scenarios');
    const seeds = values.seeds ? values.seeds.split(',').map(Number) : undefined;
    const events = values.events ? Number(values.events) : undefined;
    process.stdout.write(`## Labelled scenarios\n\n${formatScenarioReport(runScenarios(seeds, events))}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
