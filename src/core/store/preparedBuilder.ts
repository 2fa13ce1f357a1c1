// The prepared request (preparedTraces.ts) the decode worker's fast path fills span by span.
import { ByteBuffer } from './byteBuffer';
import { grown } from './grownArray';
import { preparedTexts, type PreparedGroup, type PreparedTraces } from './preparedTraces';
import type { KeyValue } from '../otlp/model';

/** The prepared request being built. Columns grow as spans come (the count is not known up front). */
export class PreparedBuilder {
  /** A buffer of the request's own, handed over as it is by result(). */
  readonly text: ByteBuffer;
  count = 0;
  readonly traceIds: string[] = [];
  private readonly traces = new Map<string, number>();
  traceIndex = new Int32Array(1024);
  times = new Float64Array(2048);
  statusCodes = new Int32Array(1024);
  textEnd = new Uint32Array(1024 * preparedTexts);
  /** 1 where the span's data has nothing compaction cuts or rewrites (see PreparedTraces.plainSpans). */
  plainSpans = new Uint8Array(1024);
  readonly routedSpans: number[] = [];
  readonly routedAttributes: KeyValue[][] = [];
  readonly groups: PreparedGroup[] = [];
  /** Where the last span's trace id was in the input, and its index: spans of a trace mostly come together. */
  private lastTraceAt = -1;
  private lastTrace = -1;

  /**
   * `textBytes`: about what the request's text columns and data take (they grow past it if need be);
   * `reuse`: a buffer to write them into, if it is that big.
   */
  constructor(textBytes: number, reuse?: ArrayBuffer) {
    this.text = new ByteBuffer(textBytes, reuse);
  }

  /** Makes room for span `count` in the columns. */
  grow(): void {
    if (this.count < this.statusCodes.length) return;
    const n = this.statusCodes.length * 2;
    this.traceIndex = grown(this.traceIndex, n);
    this.times = grown(this.times, 2 * n);
    this.statusCodes = grown(this.statusCodes, n);
    this.textEnd = grown(this.textEnd, preparedTexts * n);
    this.plainSpans = grown(this.plainSpans, n);
  }

  /** The index of the trace id at [start, start + 16) of `buf`, added when new. */
  traceOf(buf: Buffer, start: number): number {
    const last = this.lastTraceAt;
    if (last >= 0) {
      let k = 0;
      while (k < 16 && buf[last + k] === buf[start + k]) k++;
      if (k === 16) {
        this.lastTraceAt = start;
        return this.lastTrace;
      }
    }
    const id = buf.toString('hex', start, start + 16);
    let index = this.traces.get(id);
    if (index === undefined) this.traces.set(id, (index = this.traceIds.push(id) - 1));
    this.lastTraceAt = start;
    return (this.lastTrace = index);
  }

  result(): PreparedTraces {
    const n = this.count;
    return {
      count: n,
      groups: this.groups,
      traceIds: this.traceIds,
      traceIndex: this.traceIndex.slice(0, n),
      times: this.times.slice(0, 2 * n),
      statusCodes: this.statusCodes.slice(0, n),
      routedSpans: this.routedSpans,
      routedAttributes: this.routedAttributes,
      text: this.text.hand(),
      textEnd: this.textEnd.slice(0, preparedTexts * n),
      plainSpans: this.plainSpans.subarray(0, n),
    };
  }
}
