// agent-debugger: the receiver and store without VS Code.
import { UsageError } from './errors';
import { record } from './record';
import { replay } from './replay';
import { serve } from './serve';
import { steps } from './steps';

const usage = `agent-debugger — a local OTLP receiver and debugger for AI agents

Usage:
  agent-debugger record --out FILE [--port N] [--gateway-port N] [--format otlp-json|otlp-jsonl|sqlite] [CAPS] -- <command...>
      Start a receiver on a free port (or N), run the command with OTEL_EXPORTER_OTLP_ENDPOINT,
      OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_RESOURCE_ATTRIBUTES set, write what it sends to FILE as it
      arrives, and exit with its exit code.
      --cassette FILE also keeps every LLM call (request, response, stream timing) for replay.
  agent-debugger replay --cassette FILE [--speed F] [--on-divergence fail|live] [--out FILE] -- <command...>
      Run the command with every LLM call answered from the cassette (no network, $0; streams at once,
      or at the recorded pace divided by F). Exits non-zero at the first call that differs from the
      recording, printing its step and field (--on-divergence live: let it and later calls go out).
  agent-debugger serve [--port 4318] [--grpc-port 4317] [--gateway-port N] [--out FILE] [--format F] [CAPS]
      Receive until Ctrl-C or SIGTERM, writing every span to FILE as it arrives (default
      agent-debugger-<time>.otlp.json; OTLP JSON Lines until the end, then one document; --format sqlite:
      written at the end).
      Also starts the LLM gateway (on a free port, or N; a taken N falls back to a free port, and says so)
      and prints its base URLs (OPENAI_BASE_URL=...): the calls of agents without OpenTelemetry pointed
      there are recorded as one session (off: AGENT_DEBUGGER_GATEWAY=0).
  CAPS: --max-spans N (default 2000000), --max-memory-mb N (default 1024). Past a cap the oldest sessions
      (or a live session's oldest traces) are evicted, each time with a line on stderr.
  agent-debugger steps FILE [--json] [--session ID] [--prices FILE] [--attributes] [--policy FILE] [--fail-on KIND[,KIND]]
      Print a recorded session (OTLP JSON, JSONL or SQLite export) as agent steps: kind, name, model,
      tokens, $, tool, error, source, with totals. --json prints { steps, totals, findings, sessions }.
      Safety findings (injection, taint, secret, pii, policy; heuristics) print too (--json: safety);
      --fail-on KIND[,KIND] exits 3 when one of those kinds was found; --policy FILE is a .agent-policy.json.
  agent-debugger help`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'record':
      return record(rest);
    case 'replay':
      return replay(rest);
    case 'serve':
      return serve(rest);
    case 'steps':
      return steps(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`agent-debugger: ${e.message}\n\n${usage}`);
      process.exitCode = 2;
    } else {
      console.error(`agent-debugger: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  },
);
