#!/usr/bin/env node
// The built CLI (npm run build writes dist/). TypeScript topology files still load: cli/load-topology registers tsx for them.
require('../dist/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((error) => { console.error(error instanceof Error ? error.stack : error); process.exitCode = 1; });
