// A cassette: every LLM exchange of one session, as the agent saw it, so a later run can be answered
// from it instead of the provider. The `*.cassette.json` format, version 1:
//
//   {
//     "format": "agent-debugger.cassette", "version": 1, "recordedAt": "<ISO time>",
//     "exchanges": [{
//       "step": 1,                       // 1-based, in the order the requests started
//       "provider": "openai",            // openai | anthropic | gemini | ollama
//       "method": "POST", "path": "/chat/completions",   // path after the provider prefix, no query
//       "startMs": 0, "durationMs": 812, // start relative to the first exchange; whole exchange
//       "request": <body as JSON> | { "text": "<body not JSON>" },
//       "response": { "status": 200, "contentType": "text/event-stream",
//                     "chunks": [{ "atMs": 120.5, "text": "data: {...}\n\n" } | { "atMs": 130, "base64": "..." }] },
//       "error": { "type": "...", "message": "..." }     // optional: the exchange broke off
//     }],
//     "launch": { "folder": "<workspace folder name>", "config": { "type": "agent", ... } },  // optional
//     "synthesized": true   // optional: rebuilt from spans, not recorded (requests are matched by order only)
//   }
//
// Chunks keep the upstream's boundaries and their time since the request started; a chunk that is not
// whole UTF-8 is kept as base64. No header but the content type is kept: credentials never enter a cassette.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { isProviderId, type ProviderId } from './providers';
import type { RawExchange } from './replayHooks';
import { maxDepth, nestedDeeperThan } from './replayMatch';

export const CASSETTE_FORMAT = 'agent-debugger.cassette';
export const CASSETTE_VERSION = 1;
/** Bigger files are refused before being read (a cassette of hundreds of long calls is a few MB). */
export const MAX_CASSETTE_BYTES = 512 * 1024 * 1024;

export type CassetteChunk = { atMs: number; text: string } | { atMs: number; base64: string };

export interface CassetteExchange {
  step: number;
  provider: ProviderId;
  method: string;
  path: string;
  startMs: number;
  durationMs: number;
  /** The parsed JSON body, or { text } when it was not JSON. */
  request: unknown;
  response: { status: number; contentType?: string; chunks: CassetteChunk[] };
  error?: { type: string; message: string };
}

/** The launch configuration that ran the session (secret-looking env entries left out), so it can be forked. */
export interface CassetteLaunch {
  folder?: string;
  config: Record<string, unknown> & { type: string; request: string; name: string };
}

export interface Cassette {
  format: typeof CASSETTE_FORMAT;
  version: typeof CASSETTE_VERSION;
  recordedAt: string;
  exchanges: CassetteExchange[];
  launch?: CassetteLaunch;
  /** Built from the session's spans (the gateway did not record it): bodies are matched by order, not compared. */
  synthesized?: boolean;
}

export class CassetteError extends Error {}

export function chunkBytes(c: CassetteChunk): Buffer {
  return 'text' in c ? Buffer.from(c.text, 'utf8') : Buffer.from(c.base64, 'base64');
}

function chunkOf(atMs: number, data: Buffer): CassetteChunk {
  const text = data.toString('utf8');
  return Buffer.from(text, 'utf8').equals(data) ? { atMs, text } : { atMs, base64: data.toString('base64') };
}

export function requestOf(body: Buffer | undefined): unknown {
  const text = body?.toString('utf8') ?? '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { text };
  }
}

/** Collects a session's exchanges as the gateway reports them (they end in any order; steps follow their starts). */
export class CassetteRecorder {
  private readonly raw: RawExchange[] = [];

  readonly listener = (raw: RawExchange): void => {
    this.raw.push(raw);
  };

  get size(): number {
    return this.raw.length;
  }

  cassette(recordedAt = new Date()): Cassette {
    const sorted = [...this.raw].sort((a, b) => a.startMs - b.startMs);
    const origin = sorted[0]?.startMs ?? 0;
    const round = (ms: number): number => Math.round(ms * 1000) / 1000;
    return {
      format: CASSETTE_FORMAT, version: CASSETTE_VERSION, recordedAt: recordedAt.toISOString(),
      exchanges: sorted.map((r, i) => ({
        step: i + 1, provider: r.provider, method: r.method, path: r.path,
        startMs: round(r.startMs - origin), durationMs: round(r.endMs - r.startMs),
        request: requestOf(r.requestBody),
        response: { status: r.status ?? 0, ...(r.contentType ? { contentType: r.contentType } : {}), chunks: r.chunks.map((c) => chunkOf(round(c.atMs), c.data)) },
        ...(r.error ? { error: r.error } : {}),
      })),
    };
  }
}

export async function writeCassette(path: string, cassette: Cassette): Promise<void> {
  await writeFile(path, JSON.stringify(cassette, null, 1));
}

export async function readCassette(path: string): Promise<Cassette> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new CassetteError(`cannot read the cassette ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_CASSETTE_BYTES) throw new CassetteError(`${path} is ${Math.round(size / 1048576)} MB: larger than a cassette may be (${MAX_CASSETTE_BYTES / 1048576} MB)`);
  return parseCassette(await readFile(path, 'utf8'), path);
}

/** The cassette in `text`, checked field by field; anything else is a CassetteError naming the field. */
export function parseCassette(text: string, name = 'the cassette'): Cassette {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (e) {
    throw new CassetteError(`${name} is not JSON: ${(e as Error).message}`);
  }
  const fail = (where: string, what: string): never => {
    throw new CassetteError(`${name} is not a valid cassette: ${where} ${what}`);
  };
  if (!isObject(doc)) return fail('the file', 'must be a JSON object');
  if (doc.format !== CASSETTE_FORMAT) return fail('"format"', `must be "${CASSETTE_FORMAT}"`);
  if (doc.version !== CASSETTE_VERSION) return fail('"version"', `is ${JSON.stringify(doc.version)}; this version of Agent Debugger reads version ${CASSETTE_VERSION}`);
  if (typeof doc.recordedAt !== 'string') return fail('"recordedAt"', 'must be a string');
  if (!Array.isArray(doc.exchanges)) return fail('"exchanges"', 'must be an array');
  const exchanges = doc.exchanges.map((x: unknown, i): CassetteExchange => {
    const at = `exchanges[${i}]`;
    if (!isObject(x)) return fail(at, 'must be an object');
    if (x.step !== i + 1) return fail(`${at}.step`, `must be ${i + 1}`);
    if (typeof x.provider !== 'string' || !isProviderId(x.provider)) return fail(`${at}.provider`, 'must be openai, anthropic, gemini or ollama');
    if (typeof x.method !== 'string' || !/^[A-Z]{1,16}$/.test(x.method)) return fail(`${at}.method`, 'must be an HTTP method');
    if (typeof x.path !== 'string' || !x.path.startsWith('/')) return fail(`${at}.path`, 'must be a path starting with /');
    if (!finite(x.startMs)) return fail(`${at}.startMs`, 'must be a number >= 0');
    if (!finite(x.durationMs)) return fail(`${at}.durationMs`, 'must be a number >= 0');
    if (!('request' in x)) return fail(`${at}.request`, 'is missing');
    if (nestedDeeperThan(x.request)) return fail(`${at}.request`, `is nested deeper than ${maxDepth} levels`);
    const r = x.response;
    if (!isObject(r)) return fail(`${at}.response`, 'must be an object');
    if (!Number.isInteger(r.status) || (r.status as number) < 0 || (r.status as number) > 599) return fail(`${at}.response.status`, 'must be an HTTP status');
    if (r.contentType !== undefined && typeof r.contentType !== 'string') return fail(`${at}.response.contentType`, 'must be a string');
    if (!Array.isArray(r.chunks)) return fail(`${at}.response.chunks`, 'must be an array');
    const chunks = r.chunks.map((c: unknown, j): CassetteChunk => {
      const cat = `${at}.response.chunks[${j}]`;
      if (!isObject(c) || !finite(c.atMs)) return fail(cat, 'must be { atMs, text } or { atMs, base64 }');
      if (typeof c.text === 'string') return { atMs: c.atMs as number, text: c.text };
      if (typeof c.base64 === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(c.base64)) return { atMs: c.atMs as number, base64: c.base64 };
      return fail(cat, 'must carry text or base64');
    });
    let error: CassetteExchange['error'];
    if (x.error !== undefined) {
      if (!isObject(x.error) || typeof x.error.type !== 'string' || typeof x.error.message !== 'string') return fail(`${at}.error`, 'must be { type, message }');
      error = { type: x.error.type, message: x.error.message };
    }
    return {
      step: i + 1, provider: x.provider, method: x.method, path: x.path, startMs: x.startMs as number, durationMs: x.durationMs as number,
      request: x.request, response: { status: r.status as number, ...(r.contentType !== undefined ? { contentType: r.contentType } : {}), chunks }, ...(error ? { error } : {}),
    };
  });
  const launch = doc.launch === undefined ? undefined : launchOf(doc.launch, fail);
  if (doc.synthesized !== undefined && typeof doc.synthesized !== 'boolean') return fail('"synthesized"', 'must be true or false');
  return {
    format: CASSETTE_FORMAT, version: CASSETTE_VERSION, recordedAt: doc.recordedAt, exchanges,
    ...(launch ? { launch } : {}), ...(doc.synthesized ? { synthesized: true } : {}),
  };
}

function launchOf(v: unknown, fail: (where: string, what: string) => never): CassetteLaunch {
  if (!isObject(v) || !isObject(v.config)) return fail('"launch"', 'must be { folder?, config }');
  if (v.folder !== undefined && typeof v.folder !== 'string') return fail('"launch.folder"', 'must be a string');
  const c = v.config;
  if (typeof c.type !== 'string' || typeof c.request !== 'string' || typeof c.name !== 'string') return fail('"launch.config"', 'must have string type, request and name');
  if (nestedDeeperThan(c, 32)) return fail('"launch.config"', 'is nested deeper than 32 levels');
  return { ...(v.folder !== undefined ? { folder: v.folder } : {}), config: { ...c, type: c.type, request: c.request, name: c.name } };
}

/** A launch configuration as a cassette keeps it: no secret-looking env entries, no debugger-internal fields. */
export function launchRecord(config: Record<string, unknown> & { type: string; request: string; name: string }, folder?: string): CassetteLaunch {
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    // `__` fields are VS Code's own; agentDebugger* ones are written by this extension for one run.
    if (k.startsWith('__') || (k.startsWith('agentDebugger') && k !== 'agentDebugger')) continue;
    kept[k] = v;
  }
  if (isObject(kept.env)) kept.env = Object.fromEntries(Object.entries(kept.env).filter(([k]) => !secretName.test(k)));
  return { ...(folder !== undefined ? { folder } : {}), config: { ...kept, type: config.type, request: config.request, name: config.name } };
}

/** Env names that may hold credentials: a cassette leaves the machine, they stay (the fork inherits them). */
const secretName = /key|token|secret|passw|auth|credential|cookie/i;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
