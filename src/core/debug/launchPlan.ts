// What an `agent` launch configuration runs: the runtime (from the program's extension unless given), the
// arguments, the folder and the environment (process env <- envFile <- env, with null removing a variable).
import * as path from 'node:path';

export interface AgentLaunchConfig {
  /** A script or executable; its extension picks the runtime (node, tsx, python3, or run it directly). */
  program?: string;
  /** Or a shell command line, e.g. "npm run agent". */
  command?: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  envFile?: string;
  /** node | python | python3 | tsx | any executable (auto-detected from the program when absent). */
  runtime?: string;
  runtimeArgs?: string[];
  console?: 'debugConsole' | 'integratedTerminal';
  openGraph?: boolean;
  budgetUsd?: number;
  budgetAction?: 'warn' | 'pause' | 'stop';
  breakOn?: string[];
}

export interface LaunchPlan {
  file: string;
  args: string[];
  cwd: string;
  /** A command line for the shell (the `command` form). */
  shell: boolean;
  /** How the run is named to the user (the thread, the exit message). */
  display: string;
}

const nodeExt = new Set(['.js', '.mjs', '.cjs']);
const tsExt = new Set(['.ts', '.mts', '.cts', '.tsx']);
const pyExt = new Set(['.py', '.pyw']);

export function launchPlan(config: AgentLaunchConfig, defaultCwd: string, platform: NodeJS.Platform = process.platform): LaunchPlan {
  const cwd = config.cwd ?? defaultCwd;
  const args = (config.args ?? []).map(String);
  const runtimeArgs = (config.runtimeArgs ?? []).map(String);
  if (config.command !== undefined && config.program !== undefined) throw new Error("Give either 'program' or 'command' in an agent launch configuration, not both.");
  if (config.command !== undefined) {
    if (!config.command.trim()) throw new Error("'command' is empty.");
    return { file: [config.command, ...args.map(shellQuote)].join(' '), args: [], cwd, shell: true, display: config.command };
  }
  if (!config.program) throw new Error("An agent launch configuration needs 'program' (a script to run) or 'command' (a shell command line).");
  const program = path.resolve(cwd, config.program);
  const runtime = config.runtime ?? detectRuntime(program, platform);
  const display = path.basename(program);
  if (runtime === undefined) return { file: program, args, cwd, shell: false, display };
  if (runtime === 'tsx') return { file: platform === 'win32' ? 'npx.cmd' : 'npx', args: ['--no-install', 'tsx', ...runtimeArgs, program, ...args], cwd, shell: platform === 'win32', display };
  return { file: runtime, args: [...runtimeArgs, program, ...args], cwd, shell: false, display };
}

/** node / tsx / python for scripts; undefined: run the program itself. */
export function detectRuntime(program: string, platform: NodeJS.Platform = process.platform): string | undefined {
  const ext = path.extname(program).toLowerCase();
  if (nodeExt.has(ext)) return 'node';
  if (tsExt.has(ext)) return 'tsx';
  if (pyExt.has(ext)) return platform === 'win32' ? 'python' : 'python3';
  return undefined;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Parses a .env file: KEY=VALUE lines, `export ` prefixes, # comments, single/double quotes. */
export function parseEnvFile(text: string, file = '.env'): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: expected KEY=VALUE, got '${line.length > 60 ? line.slice(0, 60) + '…' : line}'`);
    let value = m[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[m[1]] = value;
  });
  return out;
}

/** base <- envFile <- env; a null in `env` removes the variable. */
export function mergeEnv(base: NodeJS.ProcessEnv, fromFile: Record<string, string> | undefined, env: Record<string, string | null> | undefined): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...base, ...fromFile };
  for (const [k, v] of Object.entries(env ?? {})) {
    if (v === null) delete out[k];
    else out[k] = String(v);
  }
  return out;
}
