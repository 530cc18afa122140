/**
 * The CLI run from source (`node --import tsx cli/weir-source.ts ...`): what this repository's own
 * tests start as replica processes, so that the CLI and the topology files they load are one copy
 * of the engine. Users run the built CLI (`bin/weir.js`, on `dist/`).
 */
import { main } from './main';

main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((error: unknown) => { console.error(error instanceof Error ? error.stack : error); process.exitCode = 1; });
