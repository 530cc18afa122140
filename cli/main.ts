/** `weir <command> [options]`: dispatches to the commands of `cli/commands.ts`. */
import { COMMANDS } from './commands';

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const names = Object.keys(COMMANDS).sort();
  if (!name || name === 'help' || name === '--help') {
    const lines = names.map((c) => `  weir ${c.padEnd(12)} ${COMMANDS[c]().summary}`);
    console.log(['usage: weir <command> [options]', '', ...lines].join('\n'));
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    console.error(`weir: unknown command '${name}'. Commands: ${names.join(', ')}`);
    return 2;
  }
  return load().run(rest);
}
