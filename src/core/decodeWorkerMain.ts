// The decode worker's entry (see decodeWorker.ts): bytes in; the validation verdict and the request
// prepared for the store out, its buffers handed over rather than copied; the body's buffer goes back.
import { parentPort } from 'node:worker_threads';
import type { DecodeJob, DecodeReply } from './decodeWorker';
import { OtlpDecodeError } from './otlp/errors';
import { decodeBody, invalidMessage } from './otlp/ingest';
import type { TraceRequest } from './otlp/model';
import { validateTraceRequest } from './otlp/validate';
import { prepareTraces, transferablesOf } from './store/preparedTraces';
import { prepareTraceBytes } from './store/protoPrepared';
import { SpareBuffers } from './store/spareBuffers';
import { planTexts } from './store/textPlan';

const port = parentPort;
if (!port) throw new Error('decodeWorkerMain runs as a worker thread');

/** Buffers of prepared requests the store is done with (they come with jobs): prepared into again. */
const spares = new SpareBuffers();

port.on('message', (job: DecodeJob) => {
  for (const spare of job.spares ?? []) spares.give(spare);
  let reply: DecodeReply;
  let transfer: ArrayBuffer[] = [];
  try {
    reply = { id: job.id, result: decode(job) };
    if (reply.result?.kind === 'decoded') transfer = transferablesOf(reply.result.prepared as ReturnType<typeof prepareTraces>);
  } catch {
    reply = { id: job.id, result: undefined };
  }
  // Nothing decoded refers to the body's bytes (strings and the prepared request are copies): its buffer
  // goes back to be filled with the next body.
  const spare = job.body.buffer as ArrayBuffer;
  if (!transfer.includes(spare)) {
    reply.spare = spare;
    transfer.push(spare);
  }
  port.postMessage(reply, transfer);
});

function decode(job: DecodeJob): DecodeReply['result'] {
  // What exporters send takes the fast path; anything else (errors, rejected spans) the general one.
  const fast = job.format === 'protobuf' ? prepareTraceBytes(job.body, spares) : undefined;
  if (fast) {
    planTexts(fast);
    return { kind: 'decoded', accepted: fast.count, rejected: 0, reasons: [], prepared: fast };
  }
  let request: TraceRequest;
  try {
    request = decodeBody('traces', job.format, job.body) as TraceRequest;
  } catch (e) {
    if (e instanceof OtlpDecodeError) return { kind: 'invalid', message: invalidMessage('traces', job.format, e) };
    throw e;
  }
  const checked = validateTraceRequest(request, { idsAreHex: job.format === 'protobuf' });
  const prepared = prepareTraces(checked.request);
  planTexts(prepared);
  return { kind: 'decoded', accepted: checked.accepted, rejected: checked.rejected, reasons: checked.reasons, prepared };
}
