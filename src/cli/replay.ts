// `agent-debugger replay --cassette FILE -- command...`: the agent runs again with every LLM call answered
// from the cassette (no network, $0), a regression test for agents: it fails at the first call that
// differs from the recording, naming the step and the field.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TraceEngine } from '../core/engine';
import { CassetteError, readCassette } from '../core/gateway/cassette';
import { chainedUpstreams } from '../core/gateway/launchEnv';
import { providerIds } from '../core/gateway/providers';
import { type OnDivergence, Replayer } from '../core/gateway/replayer';
import { withAgentEnv } from '../core/launch/agentEnv';
import { writeSessionsFile } from '../core/sessionFiles';
import { parseCliArgs } from './args';
import { UsageError } from './errors';
import { runCommand } from './record';

const DAY_MS = 24 * 3600 * 1000;

export async function replay(argv: string[]): Promise<number> {
  const options = parseCliArgs(argv, true);
  if (!options.cassette) throw new UsageError('replay needs --cassette FILE');
  const [program, ...args] = options.command;
  if (!program) throw new UsageError('replay needs the command to run after --');
  const speed = options.speed === undefined ? 0 : Number(options.speed);
  if (!Number.isFinite(speed) || speed < 0) throw new UsageError(`--speed must be a number >= 0 (0: at once, 1: as recorded), not '${options.speed}'`);
  const onDivergence = (options.onDivergence ?? 'fail') as OnDivergence;
  if (onDivergence !== 'fail' && onDivergence !== 'live') throw new UsageError(`--on-divergence must be fail or live, not '${options.onDivergence}'`);
  let replayer: Replayer;
  try {
    replayer = new Replayer(await readCassette(options.cassette), { speed, onDivergence });
  } catch (e) {
    if (e instanceof CassetteError) throw new UsageError(e.message);
    throw e;
  }

  const engine = await TraceEngine.create({ sessionGapMs: DAY_MS });
  const addresses = await engine.startReceiver({ port: options.port ?? 0, grpcPort: options.grpcPort ?? 0, allowedOrigins: [] });
  const sessionId = randomUUID();
  const gateway = await engine.startGateway({ onError: (m) => console.error(`agent-debugger: ${m}`) });
  const run = gateway.addRun({ sessionId, serviceName: basename(program), upstreams: chainedUpstreams(process.env, gateway.endpoint!), responder: replayer.responder });
  const gatewayUrls = Object.fromEntries(providerIds.map((p) => [p, gateway.baseUrl(p, run)!]));
  const httpEndpoint = `http://${addresses.http.host}:${addresses.http.port}`;
  const grpcEndpoint = addresses.grpc && `http://${addresses.grpc.host}:${addresses.grpc.port}`;
  const total = replayer.cassette.exchanges.length;
  console.error(`agent-debugger: replaying ${total} LLM calls from ${options.cassette}; running ${program}`);

  // As record does: Node agents that hard-code a provider URL reach the gateway (and so the cassette) too.
  const preload = join(__dirname, 'gatewayPreload.js');
  const gatewayNodePreload = process.env.AGENT_DEBUGGER_GATEWAY_PRELOAD !== '0' && existsSync(preload) ? preload : undefined;
  const env = withAgentEnv(process.env, { httpEndpoint, grpcEndpoint, sessionId, serviceName: basename(program), gatewayUrls, gatewayNodePreload });
  const exitCode = await runCommand(program, args, env);
  await engine.drain();
  if (options.out) {
    const written = await writeSessionsFile(engine.store, options.out, options.format ?? 'otlp-json');
    console.error(`agent-debugger: wrote ${written.spans} spans in ${written.traces} traces to ${options.out}`);
  }
  await engine.dispose();

  const d = replayer.divergence;
  if (d) {
    console.error(`agent-debugger: replay diverged at step ${d.step} of ${total}: ${d.field ? `field ${d.field}` : d.reason}`);
    if (d.field) console.error(`  recorded: ${d.recorded}\n  now:      ${d.now}`);
    if (replayer.liveCalls && onDivergence === 'live') console.error(`agent-debugger: ${replayer.liveCalls} call(s) went to the provider`);
    return exitCode || 1;
  }
  if (replayer.unplayed > 0) {
    console.error(`agent-debugger: replay diverged: the agent made ${replayer.replayedSteps.length} of the ${total} recorded LLM calls (step ${replayer.replayedSteps.length + 1} never came)`);
    return exitCode || 1;
  }
  console.error(`agent-debugger: replay passed: ${total} LLM calls answered from the cassette, none sent to a provider`);
  return exitCode;
}
