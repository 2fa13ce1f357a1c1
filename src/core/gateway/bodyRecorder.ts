// Reads a copy of the bytes passing through, never holding up the bytes themselves: streams (SSE,
// NDJSON) are parsed event by event into the provider's accumulator; plain bodies are kept up to a cap.
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { ParsedResponse, ProviderParser, StreamAccumulator } from './types';

export type BodyKind = 'sse' | 'ndjson' | 'json';

export function bodyKindOf(contentType: string | undefined): BodyKind {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('text/event-stream')) return 'sse';
  if (ct.includes('ndjson') || ct.includes('jsonl')) return 'ndjson';
  return 'json';
}

/** Bytes kept up to a cap; past it, the copy is dropped (the traffic is not affected). */
export class CappedBytes {
  private chunks: Buffer[] = [];
  private size = 0;
  overflowed = false;

  /** A body that declares more than the cap (Content-Length) is not kept from its first byte. */
  constructor(private readonly cap: number, declaredSize = 0) {
    this.overflowed = declaredSize > cap;
  }

  push(chunk: Buffer): void {
    if (this.overflowed) return;
    this.size += chunk.length;
    if (this.size > this.cap) {
      this.overflowed = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  }

  /** The body parsed as JSON; undefined when empty, over the cap or not JSON. */
  json(): unknown {
    if (this.overflowed || this.size === 0) return undefined;
    try {
      return JSON.parse(Buffer.concat(this.chunks).toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The bytes kept; undefined past the cap. */
  bytes(): Buffer | undefined {
    return this.overflowed ? undefined : Buffer.concat(this.chunks);
  }

  text(max: number): string {
    return Buffer.concat(this.chunks).subarray(0, max).toString('utf8');
  }
}

export class ResponseRecorder {
  private readonly decoder = new TextDecoder();
  private readonly accumulator: StreamAccumulator | undefined;
  private readonly sse: EventSourceParser | undefined;
  private readonly plain: CappedBytes;
  private pendingLine = '';
  /** Bytes of partial NDJSON line past this are dropped (a line that never ends). */
  private static readonly maxLine = 8 * 1024 * 1024;
  events = 0;

  constructor(readonly kind: BodyKind, private readonly parser: ProviderParser, cap: number) {
    this.plain = new CappedBytes(kind === 'json' ? cap : 64 * 1024);
    if (kind !== 'json') this.accumulator = parser.stream();
    if (kind === 'sse') {
      this.sse = createParser({
        onEvent: (e) => {
          if (e.data === '[DONE]') return;
          this.event(e.data, e.event);
        },
      });
    }
  }

  push(chunk: Buffer): void {
    if (this.kind === 'json') return this.plain.push(chunk);
    const text = this.decoder.decode(chunk, { stream: true });
    if (this.sse) return this.sse.feed(text);
    this.lines(text);
  }

  private lines(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.event(this.pendingLine + text.slice(start, nl));
      this.pendingLine = '';
      start = nl + 1;
    }
    if (this.pendingLine.length + text.length - start <= ResponseRecorder.maxLine) this.pendingLine += text.slice(start);
  }

  private event(data: string, name?: string): void {
    if (!data.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data) as unknown;
    } catch {
      return;
    }
    this.events++;
    this.accumulator!.push(parsed, name);
  }

  /** The response rebuilt from what passed; undefined when nothing could be read. */
  finish(): ParsedResponse | undefined {
    if (this.kind === 'json') {
      const body = this.plain.json();
      return body === undefined ? undefined : this.parser.response(body);
    }
    if (this.kind === 'ndjson' && this.pendingLine) this.event(this.pendingLine);
    return this.events > 0 ? this.accumulator!.result() : undefined;
  }

  /** Raw text of a plain body (an error page that was not JSON). */
  text(max: number): string {
    return this.plain.text(max);
  }
}
