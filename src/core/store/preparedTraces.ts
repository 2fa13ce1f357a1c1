// A validated trace request flattened for the store: everything that needs no database (each span's
// `data` JSON as UTF-8, its times in ms, the few attributes session routing reads) is done beforehand,
// on the decode worker, and laid out in a few arrays that cross threads cheaply (the typed arrays are
// transferred, not copied). The store then only routes, binds and steps (see writePrepared in ingest.ts).
import type { InstrumentationScope, KeyValue, Resource, TraceRequest } from '../otlp/model';
import { isSessionKey } from './sessionKeys';
import { spanDataJson } from './spanData';
import { nsToMs } from './values';

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

export interface PreparedTraces {
  count: number;
  groups: PreparedGroup[];
  traceIds: string[];
  spanIds: string[];
  parentSpanIds: string[];
  names: string[];
  /** Two per span: start ms, end ms. */
  times: Float64Array;
  statusCodes: Int32Array;
  /** Spans whose attributes name a session (most name none), with just those attributes. */
  routedSpans: number[];
  routedAttributes: KeyValue[][];
  /** Every span's data JSON as UTF-8, back to back; dataEnd[i] is where span i's ends. */
  data: Uint8Array;
  dataEnd: Uint32Array;
}

export function prepareTraces(req: TraceRequest): PreparedTraces {
  let count = 0;
  for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) count += ss.spans.length;
  const p: PreparedTraces = {
    count,
    groups: [],
    traceIds: new Array<string>(count),
    spanIds: new Array<string>(count),
    parentSpanIds: new Array<string>(count),
    names: new Array<string>(count),
    times: new Float64Array(count * 2),
    statusCodes: new Int32Array(count),
    routedSpans: [],
    routedAttributes: [],
    data: new Uint8Array(0),
    dataEnd: new Uint32Array(count),
  };
  const json = builder;
  json.length = 0;
  let i = 0;
  req.resourceSpans.forEach((rs, resourceIndex) => {
    for (const ss of rs.scopeSpans) {
      if (ss.spans.length === 0) continue;
      for (const span of ss.spans) {
        p.traceIds[i] = span.traceId;
        p.spanIds[i] = span.spanId;
        p.parentSpanIds[i] = span.parentSpanId;
        p.names[i] = span.name;
        p.times[2 * i] = nsToMs(span.startTimeUnixNano);
        p.times[2 * i + 1] = nsToMs(span.endTimeUnixNano);
        p.statusCodes[i] = span.status.code;
        const routing = routingAttributes(span.attributes);
        if (routing) {
          p.routedSpans.push(i);
          p.routedAttributes.push(routing);
        }
        json.append(spanDataJson(span));
        p.dataEnd[i] = json.length;
        i++;
      }
      p.groups.push({ resource: rs.resource, resourceSchemaUrl: rs.schemaUrl, resourceIndex, scope: ss.scope, scopeSchemaUrl: ss.schemaUrl, end: i });
    }
  });
  p.data = json.take();
  return p;
}

/** The buffers postMessage can hand over instead of copying. */
export function transferablesOf(p: PreparedTraces): ArrayBuffer[] {
  return [p.times.buffer, p.statusCodes.buffer, p.data.buffer, p.dataEnd.buffer] as ArrayBuffer[];
}

/** The attributes session routing reads, or undefined when the span has none of them. */
function routingAttributes(attributes: KeyValue[]): KeyValue[] | undefined {
  let found: KeyValue[] | undefined;
  for (const kv of attributes) if (isSessionKey(kv.key)) (found ??= []).push(kv);
  return found;
}

/** A growing UTF-8 buffer, reused by every call (they never overlap). */
class Utf8Builder {
  private buf = Buffer.allocUnsafeSlow(1 << 20);
  length = 0;

  append(text: string): void {
    const room = text.length * 3;
    if (this.length + room > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.length + room));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(text, this.length);
  }

  /** The bytes written, in an ArrayBuffer of their own (transferable). */
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }
}

const builder = new Utf8Builder();
