import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CassetteRecorder, writeCassette } from '../core/gateway/cassette';
import { chainedUpstreams } from '../core/gateway/launchEnv';
import { providerIds } from '../core/gateway/providers';
import { withAgentEnv } from '../core/launch/agentEnv';
import { parseCliArgs } from './args';
import { UsageError } from './errors';
import { cliEngine } from './evictions';
import { OutFile } from './outFile';

const DAY_MS = 24 * 3600 * 1000;

/** `record --out FILE [--cassette FILE] [--port N] [--max-spans N] [--max-memory-mb N] -- command...`: returns the command's exit code. */
export async function record(argv: string[]): Promise<number> {
  const options = parseCliArgs(argv, true);
  if (!options.out && !options.cassette) throw new UsageError('record needs --out FILE or --cassette FILE');
  if (options.cassette && process.env.AGENT_DEBUGGER_GATEWAY === '0') throw new UsageError('--cassette needs the LLM gateway, which AGENT_DEBUGGER_GATEWAY=0 turns off');
  const cassette = options.cassette ? new CassetteRecorder() : undefined;
  const [program, ...args] = options.command;
  if (!program) throw new UsageError('record needs the command to run after --');

  // One recording is one session, however long the agent pauses.
  const engine = await cliEngine(options, { sessionGapMs: DAY_MS });
  const file = options.out ? new OutFile(engine, options.out, options.format ?? 'otlp-json') : undefined;
  const addresses = await engine.startReceiver({ port: options.port ?? 0, grpcPort: options.grpcPort ?? 0, allowedOrigins: [] });
  const httpEndpoint = `http://${addresses.http.host}:${addresses.http.port}`;
  const grpcEndpoint = addresses.grpc && `http://${addresses.grpc.host}:${addresses.grpc.port}`;
  if (addresses.http.fellBack) console.error(`agent-debugger: port ${addresses.http.requestedPort} is taken; receiving on ${addresses.http.port}`);
  console.error(`agent-debugger: receiving OTLP on ${httpEndpoint}${grpcEndpoint ? ` (gRPC ${grpcEndpoint})` : ''}; running ${program}`);

  const sessionId = randomUUID();
  // The LLM gateway records the agent's provider calls even when it has no OpenTelemetry (off: AGENT_DEBUGGER_GATEWAY=0).
  let gatewayUrls: Partial<Record<(typeof providerIds)[number], string>> | undefined;
  if (process.env.AGENT_DEBUGGER_GATEWAY !== '0') {
    const gateway = await engine.startGateway({ port: options.gatewayPort ?? 0, onError: (m) => console.error(`agent-debugger: ${m}`) });
    const run = gateway.addRun({ sessionId, serviceName: basename(program), upstreams: chainedUpstreams(process.env, gateway.endpoint!), onExchange: cassette?.listener });
    gatewayUrls = Object.fromEntries(providerIds.map((p) => [p, gateway.baseUrl(p, run)!]));
    console.error(`agent-debugger: LLM gateway on ${gateway.endpoint} (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST, GOOGLE_GEMINI_BASE_URL point at it)`);
  }
  // Beside the bundled CLI: Node agents load it, so hard-coded provider URLs reach the gateway (off: AGENT_DEBUGGER_GATEWAY_PRELOAD=0).
  const preload = join(__dirname, 'gatewayPreload.js');
  const gatewayNodePreload = gatewayUrls && process.env.AGENT_DEBUGGER_GATEWAY_PRELOAD !== '0' && existsSync(preload) ? preload : undefined;
  const pythonPreload = join(__dirname, 'python');
  const gatewayPythonPreload = gatewayNodePreload && existsSync(join(pythonPreload, 'sitecustomize.py')) ? pythonPreload : undefined;
  const env = withAgentEnv(process.env, { httpEndpoint, grpcEndpoint, sessionId, serviceName: basename(program), gatewayUrls, gatewayNodePreload, gatewayPythonPreload });
  const exitCode = await runCommand(program, args, env);

  await engine.drain();
  const result = await file?.finish();
  if (result) console.error(`agent-debugger: ${result.summary}`);
  if (cassette && options.cassette) {
    await writeCassette(options.cassette, cassette.cassette());
    console.error(`agent-debugger: wrote ${cassette.size} LLM calls to ${options.cassette}`);
  }
  // The command's own failure first; a file missing spans fails a run that passed.
  return exitCode || (result && !result.ok ? 1 : 0);
}

/** Runs the command with `env`, stdio shared, signals forwarded; resolves to its exit code. */
export function runCommand(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn(program, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (e) => {
      console.error(`agent-debugger: could not run ${program}: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 1) : 1));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Partial<Record<NodeJS.Signals, number>>)[signal];
}
