/**
 * `weir <command> [options]`: each command lives in `cli/<command>-command.ts` and exports
 * `run(argv)` and a one-line `summary`, so adding a command never edits this file.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Command {
  summary?: string;
  run(argv: string[]): Promise<number>;
}

function commandFile(name: string): string {
  return join(__dirname, `${name}-command.ts`);
}

function listCommands(): string[] {
  return readdirSync(__dirname)
    .filter((f) => f.endsWith('-command.ts'))
    .map((f) => f.slice(0, -'-command.ts'.length))
    .sort();
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help') {
    const lines = listCommands().map((c) => {
      const command = require(commandFile(c)) as Command;
      return `  weir ${c.padEnd(12)} ${command.summary ?? ''}`;
    });
    console.log(['usage: weir <command> [options]', '', ...lines].join('\n'));
    return name ? 0 : 2;
  }
  if (!/^[a-z-]+$/.test(name) || !existsSync(commandFile(name))) {
    console.error(`weir: unknown command '${name}'. Commands: ${listCommands().join(', ')}`);
    return 2;
  }
  const command = require(commandFile(name)) as Command;
  return command.run(rest);
}
