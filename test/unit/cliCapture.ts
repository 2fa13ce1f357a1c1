// Runs the `steps` CLI in-process with stdout and stderr captured (the CLI tests read what a person reads).
import { steps } from '../../src/cli/steps';

export interface CliRun { code: number; out: string; err: string }

export async function runSteps(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => ((chunk: string | Uint8Array) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const [write, writeErr] = [process.stdout.write, process.stderr.write];
  process.stdout.write = sink(out);
  process.stderr.write = sink(err);
  try {
    const code = await steps(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}
