// The decode worker's entry (see decodeWorker.ts): bytes in; the validation verdict and the request
// prepared for the store out, its buffers handed over rather than copied; the body's buffer goes back.
import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeJob, DecodeReply, DecodeWorkerData } from './decodeWorker';
import { OtlpDecodeError } from './otlp/errors';
import { decodeBody, invalidMessage } from './otlp/ingest';
import type { TraceRequest } from './otlp/model';
import { validateTraceRequest } from './otlp/validate';
import { prepareTraces, transferablesOf } from './store/preparedTraces';
import { prepareTraceBytes } from './store/protoPrepared';
import { SpareBuffers } from './store/spareBuffers';
import { planTexts } from './store/textPlan';
import { detachOneBuffer, warmUpBodies } from './otlp/warmUpTraffic';

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

// The decode path warmed before the first real body (see otlp/warmUpTraffic.ts), one synthetic request
// per turn of the event loop: a job that comes meanwhile waits for one at most.
const warming = (workerData as DecodeWorkerData | undefined)?.warmUp ? warmUpBodies() : undefined;
function warmNext(): void {
  if (!warming) return;
  try {
    const next = warming.next();
    if (next.done) return;
    const result = decode({ id: 0, format: next.value.format, body: next.value.body });
    if (result?.kind === 'decoded') for (const b of transferablesOf(result.prepared as ReturnType<typeof prepareTraces>)) spares.give(b);
  } catch {
    return; // costs speed only
  }
  setImmediate(warmNext);
}
if (warming) {
  detachOneBuffer();
  setImmediate(warmNext);
}
