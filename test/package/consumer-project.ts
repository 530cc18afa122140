/**
 * For test/package: runs commands as a user's shell would, in a project outside the repository,
 * with none of the repository's tooling leaking in (no tsx loader, no npm script environment, no
 * test-runner context that would turn a nested `node --test` into a child reporter).
 */
import { execFile } from 'node:child_process';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a plain shell: the parent's, minus what npm, tsx and node:test add to it. */
export function plainEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'NODE_OPTIONS' || name === 'NODE_PATH' || name === 'NODE_TEST_CONTEXT' || name === 'NODE_PRESERVE_SYMLINKS' || name.startsWith('TSX_')) continue;
    env[name] = value;
  }
  return env;
}

/** Runs a command to its end; a non-zero exit is a result to assert on, not an exception. */
export function run(command: string, args: readonly string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: plainEnvironment(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`cannot run ${command} ${args.join(' ')} in ${cwd}: ${error.message}`, { cause: error }));
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed; on failure the error carries its output, which is what one needs to see. */
export async function runOk(command: string, args: readonly string[], cwd: string): Promise<CommandResult> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}
