// The decode worker's entry (see decodeWorker.ts): bytes in (a buffer, or an HTTP body's chunks handed
// over); the validation verdict and the request prepared for the store out, its buffers handed over rather
// than copied; the body's buffer goes back.
import { parentPort } from 'node:worker_threads';
import type { DecodeJob, DecodeReply } from './decodeWorker';
import { OtlpDecodeError } from './otlp/errors';
import { decodeBody, invalidMessage } from './otlp/ingest';
import type { TraceRequest } from './otlp/model';
import { validateTraceRequest } from './otlp/validate';
import { prepareTraces, transferablesOf } from './store/preparedTraces';
import { prepareTraceBytes } from './store/protoPrepared';
import { SpareBuffers, spareSize } from './store/spareBuffers';
import { planTexts } from './store/textPlan';

const port = parentPort;
if (!port) throw new Error('decodeWorkerMain runs as a worker thread');

/** Buffers of prepared requests the store is done with (they come with jobs): prepared into again. */
const spares = new SpareBuffers();
/** Where a body handed over in chunks is joined: kept for the next one (fresh memory costs page faults). */
const joined = new SpareBuffers(1);

port.on('message', (job: DecodeJob) => {
  for (const spare of job.spares ?? []) spares.give(spare);
  const body = Array.isArray(job.body) ? join(job.body) : job.body;
  let reply: DecodeReply;
  let transfer: ArrayBuffer[] = [];
  try {
    reply = { id: job.id, result: decode(job.format, body) };
    if (reply.result?.kind === 'decoded') transfer = transferablesOf(reply.result.prepared as ReturnType<typeof prepareTraces>);
  } catch {
    reply = { id: job.id, result: undefined };
    // A body given as chunks exists only here now: it goes back, to be decoded on the engine's thread.
    if (Array.isArray(job.body)) {
      reply.body = body.slice();
      transfer.push(reply.body.buffer as ArrayBuffer);
    }
  }
  // Nothing decoded refers to the body's bytes (strings and the prepared request are copies): its buffer
  // goes back to be filled with the next body (or, joined here, with the next body handed over in chunks).
  const spare = body.buffer as ArrayBuffer;
  if (Array.isArray(job.body)) joined.give(spare);
  else if (!transfer.includes(spare)) {
    reply.spare = spare;
    transfer.push(spare);
  }
  port.postMessage(reply, transfer);
});

/** The chunks of a body, one after another in one buffer. */
function join(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  const body = new Uint8Array(joined.take(size) ?? new ArrayBuffer(spareSize(size)), 0, size);
  for (let at = 0, i = 0; i < chunks.length; at += chunks[i++]!.length) body.set(chunks[i]!, at);
  return body;
}

function decode(format: DecodeJob['format'], body: Uint8Array): DecodeReply['result'] {
  // What exporters send takes the fast path; anything else (errors, rejected spans) the general one.
  const fast = format === 'protobuf' ? prepareTraceBytes(body, spares) : undefined;
  if (fast) {
    planTexts(fast);
    return { kind: 'decoded', accepted: fast.count, rejected: 0, reasons: [], prepared: fast };
  }
  let request: TraceRequest;
  try {
    request = decodeBody('traces', format, body) as TraceRequest;
  } catch (e) {
    if (e instanceof OtlpDecodeError) return { kind: 'invalid', message: invalidMessage('traces', format, e) };
    throw e;
  }
  const checked = validateTraceRequest(request, { idsAreHex: format === 'protobuf' });
  const prepared = prepareTraces(checked.request);
  planTexts(prepared);
  return { kind: 'decoded', accepted: checked.accepted, rejected: checked.rejected, reasons: checked.reasons, prepared };
}
