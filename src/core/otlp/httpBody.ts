// Reads a request body with a hard cap, inflating gzip/deflate as it streams. The cap is checked on the
// wire bytes and again on the inflated bytes, chunk by chunk, so neither a huge body nor a small
// compression bomb is ever held in memory beyond cap + one chunk.
import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';
import type { InFlightLease } from './inFlight';

export type BodyEncoding = 'identity' | 'gzip' | 'deflate';

/** A body problem with the HTTP status to answer (413 too large, 400 corrupt, 429 no room in flight). */
export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 429, message: string) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * A body as it was read: its chunks, joined only when something needs them as one buffer (the decode
 * worker copies the chunks into a buffer of its own: joining them first would copy every byte twice).
 */
export class RequestBody {
  private whole: Buffer | undefined;

  constructor(
    readonly chunks: readonly Buffer[],
    readonly length: number,
  ) {}

  get bytes(): Buffer {
    return (this.whole ??= this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length));
  }
}

/** The Content-Encoding token, or undefined if we cannot decode it. */
export function parseContentEncoding(header: string | undefined): BodyEncoding | undefined {
  const token = (header ?? '').trim().toLowerCase();
  if (token === '' || token === 'identity') return 'identity';
  if (token === 'gzip' || token === 'x-gzip') return 'gzip';
  if (token === 'deflate') return 'deflate';
  return undefined;
}

/** HTTP "deflate" is zlib-wrapped, but some clients send raw deflate; a zlib header has CM = 8. */
function inflaterFor(encoding: BodyEncoding, firstByte: number): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw {
  if (encoding === 'gzip') return zlib.createGunzip();
  return (firstByte & 0x0f) === 8 ? zlib.createInflate() : zlib.createInflateRaw();
}

/**
 * The whole (inflated) body. Rejects with BodyError; `onWireBytes` sees every received chunk size. Every
 * kept chunk is taken from `lease` first (the receiver's in-flight budget): no room is a 429.
 * On rejection the rest of the request is drained and discarded so the response can still be read.
 */
export function readBody(
  req: IncomingMessage, maxBytes: number, encoding: BodyEncoding, onWireBytes: (n: number) => void, lease?: InFlightLease,
  refusal = () => 'too many request bodies in flight',
): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let settled = false;
    let inflater: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | undefined;

    const settle = (error: BodyError | undefined): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      if (inflater) {
        inflater.removeAllListeners('data');
        inflater.removeAllListeners('end');
        inflater.on('error', () => undefined); // late errors from a destroyed stream are moot
        if (error) inflater.destroy();
      }
      if (error) {
        req.resume(); // discard the rest instead of stalling the socket
        reject(error);
      } else resolve(new RequestBody(chunks, size));
    };

    const keep = (chunk: Buffer, what: string): void => {
      size += chunk.length;
      if (size > maxBytes) settle(new BodyError(413, `${what} is larger than the ${maxBytes}-byte limit`));
      else if (lease && !lease.take(chunk.length)) settle(new BodyError(429, refusal()));
      else chunks.push(chunk);
    };

    const startInflater = (firstByte: number): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw => {
      const z = inflaterFor(encoding, firstByte);
      z.on('data', (chunk: Buffer) => keep(chunk, 'decompressed request body'));
      z.on('end', () => settle(undefined));
      z.on('error', (e: Error) => settle(new BodyError(400, `invalid ${encoding} body: ${e.message}`)));
      z.on('drain', () => req.resume());
      return z;
    };

    const onData = (chunk: Buffer): void => {
      wire += chunk.length;
      onWireBytes(chunk.length);
      if (wire > maxBytes) {
        settle(new BodyError(413, `request body is larger than the ${maxBytes}-byte limit`));
        return;
      }
      if (encoding === 'identity') {
        keep(chunk, 'request body');
        return;
      }
      if (chunk.length === 0) return;
      inflater ??= startInflater(chunk[0]);
      if (!inflater.write(chunk)) req.pause();
    };

    const onEnd = (): void => {
      if (encoding === 'identity') settle(undefined);
      else if (!inflater) settle(new BodyError(400, `empty ${encoding} body`));
      else inflater.end();
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', (e: Error) => settle(new BodyError(400, `request stream failed: ${e.message}`)));
  });
}
