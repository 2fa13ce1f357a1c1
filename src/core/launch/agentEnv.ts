// The environment that points an agent's OpenTelemetry SDK at our receiver. Shared by the CLI's
// `record` and (later) the debug launcher, so every way of starting an agent traces the same way.
import { gatewayEnv } from '../gateway/launchEnv';
import type { ProviderId } from '../gateway/providers';
import { launcherSessionKey } from '../store/sessionKeys';

export interface AgentEnvOptions {
  /** http://127.0.0.1:PORT of the OTLP/HTTP receiver. */
  httpEndpoint: string;
  /** http://127.0.0.1:PORT of the OTLP/gRPC receiver, when there is one. */
  grpcEndpoint?: string;
  sessionId: string;
  /** Used as OTEL_SERVICE_NAME when the agent's environment has none. */
  serviceName?: string;
  /** Export batches quickly so spans show up live (ms). */
  batchDelayMs?: number;
  /** The LLM gateway's base URL per provider for this run (see core/gateway/launchEnv.ts): the SDKs call through it. */
  gatewayUrls?: Partial<Record<ProviderId, string>>;
  /** dist/gatewayPreload.js: Node agents load it (NODE_OPTIONS) so hard-coded provider URLs reach the gateway too. */
  gatewayNodePreload?: string;
  /** dist/python (its sitecustomize.py): put first on PYTHONPATH so Python agents' hard-coded provider URLs reach the gateway. */
  gatewayPythonPreload?: string;
}

/** The resource attribute the store routes a launched run's spans by. */
const sessionIdAttribute = launcherSessionKey;

/** Returns the variables to set (string) or remove (undefined) on top of `base`. */
export function agentEnv(base: Record<string, string | undefined>, options: AgentEnvOptions): Record<string, string | undefined> {
  const protocol = (base.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? base.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  const grpc = protocol === 'grpc' && options.grpcEndpoint !== undefined;
  const endpoint = grpc ? options.grpcEndpoint! : options.httpEndpoint;
  const delay = String(options.batchDelayMs ?? 200);
  // An earlier session id (a nested record, a re-run) must not win over ours.
  const others = (base.OTEL_RESOURCE_ATTRIBUTES ?? '')
    .split(',')
    .map((kv) => kv.trim())
    .filter((kv) => kv && !kv.startsWith(`${sessionIdAttribute}=`));
  const resource = [...others, `${sessionIdAttribute}=${encodeURIComponent(options.sessionId)}`].join(',');
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: grpc ? 'grpc' : protocol === 'http/json' ? 'http/json' : 'http/protobuf',
    // Signal-specific endpoints would win over ours: point them here too (they take full URLs for HTTP).
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: grpc ? endpoint : `${endpoint}/v1/traces`,
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: grpc ? endpoint : `${endpoint}/v1/logs`,
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: grpc ? endpoint : `${endpoint}/v1/metrics`,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: undefined,
    OTEL_RESOURCE_ATTRIBUTES: resource,
    OTEL_SERVICE_NAME: base.OTEL_SERVICE_NAME ?? options.serviceName,
    OTEL_TRACES_EXPORTER: base.OTEL_TRACES_EXPORTER ?? 'otlp',
    OTEL_BSP_SCHEDULE_DELAY: delay,
    OTEL_BLRP_SCHEDULE_DELAY: delay,
    // Content capture: most GenAI instrumentations keep prompts out of spans unless told otherwise.
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: base.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT ?? 'true',
    TRACELOOP_TRACE_CONTENT: base.TRACELOOP_TRACE_CONTENT ?? 'true',
    ...gatewayEnv(options.gatewayUrls ?? {}, options.gatewayNodePreload ? { path: options.gatewayNodePreload, nodeOptions: base.NODE_OPTIONS } : undefined, options.gatewayPythonPreload ? { dir: options.gatewayPythonPreload, pythonPath: base.PYTHONPATH } : undefined),
  };
}

/** `base` with `agentEnv` applied: what to hand to child_process.spawn. */
export function withAgentEnv(base: NodeJS.ProcessEnv, options: AgentEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [key, value] of Object.entries(agentEnv(base, options))) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
