import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export interface CliOptions {
  out?: string;
  port?: number;
  grpcPort?: number;
  /** The LLM gateway's port (serve, record); unset: any free port. */
  gatewayPort?: number;
  format?: 'otlp-json' | 'otlp-jsonl' | 'sqlite';
  /** Store caps (--max-spans, --max-memory-mb); unset: the store's defaults. */
  maxSpans?: number;
  maxMemoryMb?: number;
  cassette?: string;
  speed?: string;
  onDivergence?: string;
  command: string[];
}

export function parseCliArgs(argv: string[], allowCommand: boolean): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: allowCommand,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' }, port: { type: 'string', short: 'p' }, 'grpc-port': { type: 'string' }, 'gateway-port': { type: 'string' }, format: { type: 'string' },
        'max-spans': { type: 'string' }, 'max-memory-mb': { type: 'string' },
        cassette: { type: 'string' }, speed: { type: 'string' }, 'on-divergence': { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  const format = values.format ?? (values.out?.match(/\.(sqlite|db)$/) ? 'sqlite' : values.out?.endsWith('.jsonl') ? 'otlp-jsonl' : 'otlp-json');
  if (format !== 'otlp-json' && format !== 'otlp-jsonl' && format !== 'sqlite') throw new UsageError(`--format must be otlp-json, otlp-jsonl or sqlite, not '${format}'`);
  return {
    out: values.out, port: port(values.port, '--port'), grpcPort: port(values['grpc-port'], '--grpc-port'), gatewayPort: port(values['gateway-port'], '--gateway-port'), format,
    maxSpans: positive(values['max-spans'], '--max-spans'), maxMemoryMb: positive(values['max-memory-mb'], '--max-memory-mb'),
    cassette: values.cassette, speed: values.speed, onDivergence: values['on-divergence'], command: positionals,
  };
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a whole number above 0, not '${value}'`);
  return n;
}

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be a port number (0-65535), not '${value}'`);
  return n;
}
