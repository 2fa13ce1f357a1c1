// A validated trace request flattened for the store: everything that needs no database (each span's
// text columns as UTF-8 and its `data` bytes, its times in ms, the few attributes session routing reads) is
// done beforehand, on the decode worker, and laid out in a few arrays that cross threads cheaply (the
// typed arrays are transferred, not copied). The store then only routes, binds and steps (see
// writePrepared in ingest.ts).
import type { InstrumentationScope, KeyValue, Resource, TraceRequest } from '../otlp/model';
import { ByteBuffer } from './byteBuffer';
import { isSessionKey } from './sessionKeys';
import { spanDataBytes } from './spanData';
import { nsToMs } from '../otlp/nanos';

/** Consecutive spans sharing one resource and scope. */
export interface PreparedGroup {
  resource: Resource;
  resourceSchemaUrl: string;
  /** Index of the ResourceSpans it came from: groups of one resource share routing hints. */
  resourceIndex: number;
  scope: InstrumentationScope;
  scopeSchemaUrl: string;
  /** One past its last span. */
  end: number;
}

/** The byte columns of a span in `text`, in this order. */
export const preparedTexts = 5; // trace id, span id, parent span id, name (UTF-8), data (protobuf)
export const textParent = 2;
export const textName = 3;

export interface PreparedTraces {
  count: number;
  groups: PreparedGroup[];
  /** The request's distinct trace ids; traceIndex[i] is span i's. */
  traceIds: string[];
  traceIndex: Int32Array;
  /** Two per span: start ms, end ms. */
  times: Float64Array;
  statusCodes: Int32Array;
  /** Spans whose attributes name a session (most name none), with just those attributes. */
  routedSpans: number[];
  routedAttributes: KeyValue[][];
  /** Every span's byte columns (see preparedTexts), back to back. */
  text: Uint8Array;
  /** textEnd[preparedTexts * i + k] is where text column k of span i ends (and the next one starts). */
  textEnd: Uint32Array;
  /**
   * 1 where the span's data was checked to hold no long string and nothing compaction writes anew, so its
   * text plan is known without walking it (the decode worker's fast path sets it; planTexts reads it).
   */
  plainSpans?: Uint8Array;
  /** Long strings of the spans' data, cut and hashed ahead (textPlan.ts; the decode worker adds it). */
  textPlan?: Uint32Array;
  textPlanAt?: Uint32Array;
}

export function prepareTraces(req: TraceRequest): PreparedTraces {
  let count = 0;
  for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) count += ss.spans.length;
  const p: PreparedTraces = {
    count,
    groups: [],
    traceIds: [],
    traceIndex: new Int32Array(count),
    times: new Float64Array(count * 2),
    statusCodes: new Int32Array(count),
    routedSpans: [],
    routedAttributes: [],
    text: new Uint8Array(0),
    textEnd: new Uint32Array(count * preparedTexts),
  };
  const text = builder;
  text.length = 0;
  const traces = new Map<string, number>();
  let lastTrace = '';
  let lastTraceIndex = -1;
  let i = 0;
  let k = 0;
  req.resourceSpans.forEach((rs, resourceIndex) => {
    for (const ss of rs.scopeSpans) {
      if (ss.spans.length === 0) continue;
      for (const span of ss.spans) {
        // Spans of one trace mostly come together: the last one saves a lookup.
        if (span.traceId !== lastTrace) {
          lastTrace = span.traceId;
          lastTraceIndex = traces.get(lastTrace) ?? -1;
          if (lastTraceIndex < 0) traces.set(lastTrace, (lastTraceIndex = p.traceIds.push(lastTrace) - 1));
        }
        p.traceIndex[i] = lastTraceIndex;
        p.times[2 * i] = nsToMs(span.startTimeUnixNano);
        p.times[2 * i + 1] = nsToMs(span.endTimeUnixNano);
        p.statusCodes[i] = span.status.code;
        const routing = routingAttributes(span.attributes);
        if (routing) {
          p.routedSpans.push(i);
          p.routedAttributes.push(routing);
        }
        p.textEnd[k++] = text.string(span.traceId);
        p.textEnd[k++] = text.string(span.spanId);
        p.textEnd[k++] = text.string(span.parentSpanId);
        p.textEnd[k++] = text.string(span.name);
        text.bytes(spanDataBytes(span));
        p.textEnd[k++] = text.length;
        i++;
      }
      p.groups.push({ resource: rs.resource, resourceSchemaUrl: rs.schemaUrl, resourceIndex, scope: ss.scope, scopeSchemaUrl: ss.schemaUrl, end: i });
    }
  });
  p.text = text.take();
  return p;
}

/** The buffers postMessage can hand over instead of copying. */
export function transferablesOf(p: PreparedTraces): ArrayBuffer[] {
  const buffers = [p.traceIndex.buffer, p.times.buffer, p.statusCodes.buffer, p.text.buffer, p.textEnd.buffer];
  if (p.textPlan && p.textPlanAt) buffers.push(p.textPlan.buffer, p.textPlanAt.buffer);
  return buffers as ArrayBuffer[];
}

/** The attributes session routing reads, or undefined when the span has none of them. */
function routingAttributes(attributes: KeyValue[]): KeyValue[] | undefined {
  let found: KeyValue[] | undefined;
  for (const kv of attributes) if (isSessionKey(kv.key)) (found ??= []).push(kv);
  return found;
}

const builder = new ByteBuffer(1 << 20);
