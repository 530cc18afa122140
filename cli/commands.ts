/**
 * The table of `weir` commands. Each is loaded only when it runs (or when help lists it), so that
 * `weir produce` does not load the stream runtime and `weir describe` does not open a log.
 */
export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Readonly<Record<string, () => Command>> = {
  clickhouse: () => require('./clickhouse-command') as Command,
  describe: () => require('./describe-command') as Command,
  produce: () => require('./produce-command') as Command,
  query: () => require('./query-command') as Command,
  registry: () => require('./registry-command') as Command,
  run: () => require('./run-command') as Command,
};
