import { randomUUID } from 'node:crypto';
import { baseUrlVariables, chainedUpstreams } from '../core/gateway/launchEnv';
import { providerIds } from '../core/gateway/providers';
import { parseCliArgs } from './args';
import { cliEngine } from './evictions';
import { OutFile } from './outFile';

/** `serve [--port 4318] [--grpc-port 4317] [--gateway-port N] [--out FILE] [caps]`: receives until Ctrl-C (or SIGTERM), writing FILE as spans arrive. */
export async function serve(argv: string[]): Promise<number> {
  const options = parseCliArgs(argv, false);
  const out = options.out ?? `agent-debugger-${new Date().toISOString().replace(/[:.]/g, '-')}.otlp.json`;
  // Listening for Ctrl-C before printing anything: a caller may send it as soon as it reads the lines.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const engine = await cliEngine(options);
  const format = options.format ?? 'otlp-json';
  const file = new OutFile(engine, out, format);
  const addresses = await engine.startReceiver({ port: options.port ?? 4318, grpcPort: options.grpcPort ?? 4317, allowedOrigins: [], warmUp: true });
  for (const [kind, a] of [['HTTP', addresses.http], ['gRPC', addresses.grpc]] as const) {
    if (!a) continue;
    const note = a.fellBack ? ` (port ${a.requestedPort} was taken)` : '';
    console.log(`agent-debugger: OTLP/${kind} on http://${a.host}:${a.port}${note}`);
  }
  console.log(`agent-debugger: set OTEL_EXPORTER_OTLP_ENDPOINT=http://${addresses.http.host}:${addresses.http.port} for your agent; ${format === 'sqlite' ? `Ctrl-C writes ${out}` : `writing ${out} as spans arrive (Ctrl-C ends it)`}`);
  // Agents without OpenTelemetry: their LLM calls through the gateway become one session for this serve
  // (base URLs already set in serve's env are the upstreams). Off: AGENT_DEBUGGER_GATEWAY=0.
  if (process.env.AGENT_DEBUGGER_GATEWAY !== '0') {
    const gateway = await engine.startGateway({ port: options.gatewayPort ?? 0, onError: (m) => console.error(`agent-debugger: ${m}`) });
    const run = gateway.addRun({ sessionId: randomUUID(), serviceName: 'llm-gateway', upstreams: chainedUpstreams(process.env, gateway.endpoint!) });
    const taken = gateway.listening?.fellBack ? ` (port ${gateway.listening.requestedPort} was taken)` : '';
    console.log(`agent-debugger: LLM gateway on ${gateway.endpoint}${taken}; for agents without OpenTelemetry set:`);
    for (const p of providerIds) console.log(`  ${baseUrlVariables[p][0]}=${gateway.baseUrl(p, run)}`);
  }

  await stopped;
  await engine.drain();
  const result = await file.finish();
  console.log(`agent-debugger: ${result.summary}`);
  return result.ok ? 0 : 1;
}
