// Stored spans -> the SDK's ReadableSpan shape, which is what @opentelemetry/exporter-trace-otlp-http sends.
// Spans of one resource share one resource object (the exporter groups by object identity).
// What the official exporter cannot express is documented at forwardSession(): a double with an integral
// value leaves as intValue, flags always carry HAS_IS_REMOTE, resource droppedAttributesCount is sent as 0.
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Attributes, AttributeValue, HrTime, Link, SpanContext, TraceState } from '@opentelemetry/api';
import type { AnyValue, KeyValue } from '../otlp/model';
import type { StoredSpan } from '../store/types';

export class ResourceCache {
  private readonly byId = new Map<number, ReadableSpan['resource']>();

  get(span: StoredSpan): ReadableSpan['resource'] {
    let r = this.byId.get(span.resourceId);
    if (!r) {
      const attributes = toAttributes(span.resource.attributes);
      // Only what the OTLP transformer reads (attributes, schemaUrl); the rest of the interface is inert here.
      r = {
        attributes,
        schemaUrl: span.resource.schemaUrl || undefined,
        asyncAttributesPending: false,
        waitForAsyncAttributes: async () => undefined,
        merge: () => r!,
        getRawAttributes: () => Object.entries(attributes),
      } as unknown as ReadableSpan['resource'];
      this.byId.set(span.resourceId, r);
    }
    return r;
  }
}

export function toReadableSpan(span: StoredSpan, resources: ResourceCache): ReadableSpan {
  const context: SpanContext = { traceId: span.traceId, spanId: span.spanId, traceFlags: span.flags & 0xff, traceState: traceState(span.traceState) };
  const parent: SpanContext | undefined = span.parentSpanId
    ? { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: span.flags & 0xff, isRemote: (span.flags & 0x200) !== 0 }
    : undefined;
  const start = hrTime(span.startTimeUnixNano);
  const end = hrTime(span.endTimeUnixNano);
  const events: TimedEvent[] = span.events.map((e) => ({ name: e.name, time: hrTime(e.timeUnixNano), attributes: toAttributes(e.attributes), droppedAttributesCount: e.droppedAttributesCount }));
  const links: Link[] = span.links.map((l) => ({
    context: { traceId: l.traceId, spanId: l.spanId, traceFlags: l.flags & 0xff, traceState: traceState(l.traceState), isRemote: (l.flags & 0x200) !== 0 },
    attributes: toAttributes(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount,
  }));
  const scope = span.scope;
  return {
    name: span.name,
    // The API's SpanKind has no "unspecified": the transformer adds 1, and sends 0 for a missing kind.
    kind: (span.kind > 0 ? span.kind - 1 : undefined) as ReadableSpan['kind'],
    spanContext: () => context,
    parentSpanContext: parent,
    startTime: start,
    endTime: end,
    status: { code: span.status.code, message: span.status.message || undefined },
    attributes: toAttributes(span.attributes),
    links,
    events,
    duration: hrTime((BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)).toString()),
    ended: true,
    resource: resources.get(span),
    instrumentationScope: { name: scope.name, version: scope.version || undefined, schemaUrl: scope.schemaUrl || undefined, ...(scope.attributes.length ? { attributes: toAttributes(scope.attributes) as Attributes, droppedAttributesCount: scope.droppedAttributesCount } : {}) },
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  } as ReadableSpan;
}

export function hrTime(nanos: string): HrTime {
  const n = BigInt(nanos || '0');
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
}

function traceState(value: string): TraceState | undefined {
  if (!value) return undefined;
  // The transformer only serialises it.
  const ts: TraceState = { set: () => ts, unset: () => ts, get: () => undefined, serialize: () => value };
  return ts;
}

/** OTLP KeyValues -> SDK attributes; the transformer's toAnyValue turns objects back into kvlists and bytes into bytesValue. */
function toAttributes(list: KeyValue[]): Attributes {
  const out: Record<string, unknown> = {};
  for (const kv of list) out[kv.key] = toJs(kv.value);
  return out as Attributes;
}

function toJs(v: AnyValue): AttributeValue | undefined {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue, 'base64') as unknown as AttributeValue;
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(toJs) as AttributeValue;
  if ('kvlistValue' in v) return toAttributes(v.kvlistValue.values ?? []) as unknown as AttributeValue;
  return undefined;
}
