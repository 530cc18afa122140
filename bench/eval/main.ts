/**
 * `npm run eval -- --nab <folder> [--out <dir>]`: scores weir's detector on a NAB folder.
 * `npm run eval -- --scenarios`: precision, recall, false-positive rate and delay on labelled scenarios.
 */
import { parseArgs } from 'node:util';
import { formatNabReport, runNab } from './nab/run-nab';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nab: { type: 'string' },
      out: { type: 'string' },
      scenarios: { type: 'boolean', default: false },
    },
  });
  if (!values.nab && !values.scenarios) {
    process.stderr.write('usage: npm run eval -- --nab <folder> [--out <dir>] | --scenarios\n');
    process.exitCode = 2;
    return;
  }
  if (values.nab) {
    const run = runNab({ folder: values.nab, outDir: values.out });
    process.stdout.write(`## NAB (${values.nab})\n\n${formatNabReport(run)}\n\n`);
  }
  if (values.scenarios) {
    process.stderr.write('labelled scenarios are not wired yet\n');
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
