#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so that topology files written in TypeScript load as-is.
require('tsx/cjs');
require('../cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((error) => { console.error(error instanceof Error ? error.stack : error); process.exitCode = 1; });
