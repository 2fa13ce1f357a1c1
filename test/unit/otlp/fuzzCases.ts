// Seeded generators of hostile OTLP payloads, derived from valid requests: bit flips, truncations,
// splices, random bytes, JSON text edits and JSON structure swaps, optionally gzipped (or gzip-corrupted).
import * as zlib from 'node:zlib';
import { encodeLogsRequest, encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import { makeLogRecord, makeLogsRequest, makeSpan, makeTraceRequest } from './helpers';

export interface FuzzCase {
  signal: 'traces' | 'logs';
  format: 'protobuf' | 'json';
  /** What the receiver gets as Content-Encoding ('identity' = none). */
  encoding: 'identity' | 'gzip';
  /** Sent with a content type the receiver does not take (expects 415). */
  wrongContentType: boolean;
  body: Buffer;
  how: string;
}

function seeds(): Record<'traces' | 'logs', object[]> {
  const many = Array.from({ length: 5 }, (_, i) => makeSpan({ spanId: (i + 1).toString(16).padStart(16, '0'), name: `span ${i}` }));
  return {
    traces: [makeTraceRequest(), makeTraceRequest(many), makeTraceRequest([makeSpan({ attributes: [], events: [], links: [] })])],
    logs: [makeLogsRequest(), makeLogsRequest([makeLogRecord(), makeLogRecord({ traceId: '', spanId: '', body: { stringValue: 'plain' } })])],
  };
}

const JSON_NOISE = ['{', '}', '[', ']', '"', ',', ':', '0', '-1', '1e999', 'null', 'true', '"x"', '\\', '\u0000', '😀', ' '];
const JUNK_VALUES: unknown[] = [null, 0, -1, 1.5, 'x', '', true, [], {}, [1, 'a'], { stringValue: 1 }, '18446744073709551616', 'ZZ', 1e300];

export class FuzzGenerator {
  private readonly protoSeeds: Record<'traces' | 'logs', Buffer[]>;
  private readonly jsonSeeds: Record<'traces' | 'logs', object[]>;

  constructor(private readonly rand: () => number) {
    const s = seeds();
    this.jsonSeeds = s;
    this.protoSeeds = {
      traces: s.traces.map((r) => Buffer.from(encodeTraceRequest(r as never))),
      logs: s.logs.map((r) => Buffer.from(encodeLogsRequest(r as never))),
    };
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  next(): FuzzCase {
    const signal = this.rand() < 0.7 ? 'traces' : 'logs';
    const format = this.rand() < 0.55 ? 'protobuf' : 'json';
    let { body, how } = format === 'protobuf' ? this.mutateBytes(this.pick(this.protoSeeds[signal])) : this.mutateJson(this.pick(this.jsonSeeds[signal]));
    let encoding: FuzzCase['encoding'] = 'identity';
    const roll = this.rand();
    if (roll < 0.25) {
      encoding = 'gzip';
      body = zlib.gzipSync(body);
      how += ' +gzip';
    } else if (roll < 0.33) {
      encoding = 'gzip';
      body = this.mutateBytes(zlib.gzipSync(body)).body;
      how += ' +corrupt gzip';
    } else if (roll < 0.335) {
      encoding = 'gzip';
      body = zlib.gzipSync(Buffer.alloc(2 * 1024 * 1024, this.int(256))); // a small bomb
      how = 'gzip bomb';
    }
    const wrongContentType = this.rand() < 0.03;
    // Now and then the body is labelled with the other encoding.
    const mislabel = this.rand() < 0.04;
    if (mislabel) how += ' +mislabelled';
    const label: FuzzCase['format'] = mislabel ? (format === 'json' ? 'protobuf' : 'json') : format;
    return { signal, format: label, encoding, wrongContentType, body, how };
  }

  /** Protobuf bytes with 1-3 random edits (or plain random bytes). */
  mutateBytes(seed: Buffer): { body: Buffer; how: string } {
    if (this.rand() < 0.08) {
      const random = Buffer.alloc(this.int(300));
      for (let i = 0; i < random.length; i++) random[i] = this.int(256);
      return { body: random, how: 'random bytes' };
    }
    let b = Buffer.from(seed);
    const hows: string[] = [];
    for (let edits = 1 + this.int(3); edits > 0; edits--) {
      const op = this.int(6);
      const at = this.int(b.length + 1);
      if (op === 0) {
        b = b.subarray(0, at);
        hows.push(`truncate@${at}`);
      } else if (op === 1 && b.length) {
        const i = this.int(b.length);
        b[i] ^= 1 << this.int(8);
        hows.push(`flip@${i}`);
      } else if (op === 2 && b.length) {
        const i = this.int(b.length);
        b[i] = this.pick([0, 0x7f, 0x80, 0xff, this.int(256)]);
        hows.push(`set@${i}`);
      } else if (op === 3) {
        b = Buffer.concat([b.subarray(0, at), Buffer.from([this.int(256), this.int(256)]), b.subarray(at)]);
        hows.push(`insert@${at}`);
      } else if (op === 4 && b.length > 4) {
        const from = this.int(b.length - 4);
        const len = 1 + this.int(Math.min(40, b.length - from));
        b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
        hows.push(`splice@${at}`);
      } else {
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + this.int(8)))]);
        hows.push(`delete@${at}`);
      }
    }
    return { body: b, how: `bytes ${hows.join(',')}` };
  }

  /** JSON with a text edit, or with one node of the document replaced by a value of another type. */
  mutateJson(seed: object): { body: Buffer; how: string } {
    if (this.rand() < 0.5) {
      const doc = JSON.parse(JSON.stringify(seed)) as unknown;
      const path = this.replaceRandomNode(doc);
      return { body: Buffer.from(JSON.stringify(doc)), how: `json node ${path}` };
    }
    let text = JSON.stringify(seed);
    const at = this.int(text.length + 1);
    const op = this.int(3);
    if (op === 0) text = text.slice(0, at);
    else if (op === 1) text = text.slice(0, at) + this.pick(JSON_NOISE) + text.slice(at);
    else text = text.slice(0, at) + text.slice(at + 1 + this.int(10));
    return { body: Buffer.from(text), how: `json text op${op}@${at}` };
  }

  private replaceRandomNode(doc: unknown): string {
    // Walk down a random path, then replace what is there.
    let node = doc as Record<string, unknown>;
    let path = '';
    for (let depth = 0; depth < 12; depth++) {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = this.pick(keys);
      const child = node[key];
      if (child === null || typeof child !== 'object' || this.rand() < 0.2) {
        node[key] = this.pick(JUNK_VALUES);
        return `${path}.${key}`;
      }
      node = child as Record<string, unknown>;
      path += `.${key}`;
    }
    return path || '(root)';
  }
}
