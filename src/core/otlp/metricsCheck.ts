// Metrics are not stored, but a request is decoded and checked as the OpenTelemetry Collector does
// before it answers: malformed protobuf or JSON, wrong wire or JSON types, bad ids or attribute values
// get the same 400 / INVALID_ARGUMENT with a reason as traces and logs. One table of
// opentelemetry.proto.metrics.v1 (field numbers and names) drives both walks.
import type { Reader } from 'protobufjs/minimal';
import { OtlpDecodeError, asDecodeError, inJson, inMessage } from './errors';
import { parseRoot } from './jsonDecode';
import { type JsonObject, asObject, describe, get, getArray, getEnum, getId, int64Text, jsonKeyValues, jsonResource, jsonScope } from './jsonValues';
import { decodeResource, decodeScope, emptyResource, emptyScope, pushKeyValue } from './protoCommon';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, enterMessage, expectWire, readHex, readString, readerFor, skipField } from './protoWire';
import type { OtlpFormat } from './responses';

type Scalar = 'string' | 'double' | 'fixed64' | 'sfixed64' | 'uint64' | 'uint32' | 'sint32' | 'bool';
type Kind = Scalar | 'enum' | 'traceId' | 'spanId' | 'attributes' | 'resource' | 'scope' | Message;
interface Field {
  name: string;
  kind: Kind;
  repeated?: boolean;
}
interface Message {
  what: string;
  fields: Record<number, Field>;
}

const f = (name: string, kind: Kind, repeated = false): Field => ({ name, kind, repeated });
const exemplar: Message = {
  what: 'exemplar',
  fields: { 7: f('filteredAttributes', 'attributes'), 2: f('timeUnixNano', 'fixed64'), 3: f('asDouble', 'double'), 6: f('asInt', 'sfixed64'), 4: f('spanId', 'spanId'), 5: f('traceId', 'traceId') },
};
const common = { 2: f('startTimeUnixNano', 'fixed64'), 3: f('timeUnixNano', 'fixed64') };
const numberPoint: Message = {
  what: 'data point',
  fields: { ...common, 7: f('attributes', 'attributes'), 4: f('asDouble', 'double'), 6: f('asInt', 'sfixed64'), 5: f('exemplars', exemplar, true), 8: f('flags', 'uint32') },
};
const histogramPoint: Message = {
  what: 'data point',
  fields: {
    ...common, 9: f('attributes', 'attributes'), 4: f('count', 'fixed64'), 5: f('sum', 'double'), 6: f('bucketCounts', 'fixed64', true),
    7: f('explicitBounds', 'double', true), 8: f('exemplars', exemplar, true), 10: f('flags', 'uint32'), 11: f('min', 'double'), 12: f('max', 'double'),
  },
};
const buckets: Message = { what: 'buckets', fields: { 1: f('offset', 'sint32'), 2: f('bucketCounts', 'uint64', true) } };
const exponentialPoint: Message = {
  what: 'data point',
  fields: {
    ...common, 1: f('attributes', 'attributes'), 4: f('count', 'fixed64'), 5: f('sum', 'double'), 6: f('scale', 'sint32'), 7: f('zeroCount', 'fixed64'),
    8: f('positive', buckets), 9: f('negative', buckets), 10: f('flags', 'uint32'), 11: f('exemplars', exemplar, true), 12: f('min', 'double'),
    13: f('max', 'double'), 14: f('zeroThreshold', 'double'),
  },
};
const quantile: Message = { what: 'quantile', fields: { 1: f('quantile', 'double'), 2: f('value', 'double') } };
const summaryPoint: Message = {
  what: 'data point',
  fields: { ...common, 7: f('attributes', 'attributes'), 4: f('count', 'fixed64'), 5: f('sum', 'double'), 6: f('quantileValues', quantile, true), 8: f('flags', 'uint32') },
};
const points = (point: Message, extra: Record<number, Field> = {}): Message => ({ what: 'data', fields: { 1: f('dataPoints', point, true), ...extra } });
const temporality = { 2: f('aggregationTemporality', 'enum') };
const metric: Message = {
  what: 'metric',
  fields: {
    1: f('name', 'string'), 2: f('description', 'string'), 3: f('unit', 'string'), 5: f('gauge', points(numberPoint)),
    7: f('sum', points(numberPoint, { ...temporality, 3: f('isMonotonic', 'bool') })), 9: f('histogram', points(histogramPoint, temporality)),
    10: f('exponentialHistogram', points(exponentialPoint, temporality)), 11: f('summary', points(summaryPoint)), 12: f('metadata', 'attributes'),
  },
};
const scopeMetrics: Message = { what: 'scope', fields: { 1: f('scope', 'scope'), 2: f('metrics', metric, true), 3: f('schemaUrl', 'string') } };
const resourceMetrics: Message = { what: 'resource', fields: { 1: f('resource', 'resource'), 2: f('scopeMetrics', scopeMetrics, true), 3: f('schemaUrl', 'string') } };
const request: Message = { what: 'request', fields: { 1: f('resourceMetrics', resourceMetrics, true) } };

/** The reason a metrics request body is malformed, or undefined when it is well formed. */
export function metricsProblem(format: OtlpFormat, body: Uint8Array): string | undefined {
  try {
    if (format === 'protobuf') {
      const r = readerFor(body);
      walkProto(r, request);
    } else walkJson(parseRoot(body, 'an ExportMetricsServiceRequest'), request);
    return undefined;
  } catch (e) {
    return `cannot decode ${format === 'json' ? 'OTLP/JSON' : 'protobuf'} ExportMetricsServiceRequest: ${asDecodeError(e).message}`;
  }
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function wireOf(kind: Kind): number {
  if (typeof kind === 'object') return WIRE_LEN;
  switch (kind) {
    case 'double': case 'fixed64': case 'sfixed64': return WIRE_FIXED64;
    case 'uint64': case 'uint32': case 'sint32': case 'bool': case 'enum': return WIRE_VARINT;
    default: return WIRE_LEN;
  }
}

/** Walks the message `r` is narrowed to; counts are per repeated field, for error locations. */
function walkProto(r: Reader, message: Message): void {
  const seen = new Map<number, number>();
  while (r.pos < r.len) {
    const tag = r.uint32();
    const number = tag >>> 3;
    const field = message.fields[number];
    if (!field) {
      skipField(r, tag);
      continue;
    }
    const index = seen.get(number) ?? 0;
    seen.set(number, index + 1);
    const wire = wireOf(field.kind);
    // Repeated scalars may come packed (one length-delimited run) or one by one.
    if (field.repeated && typeof field.kind === 'string' && wire !== WIRE_LEN && (tag & 7) === WIRE_LEN) {
      const outer = enterMessage(r);
      while (r.pos < r.len) r.skipType(wire);
      r.len = outer;
      continue;
    }
    expectWire(tag, wire);
    const kind = field.kind;
    if (typeof kind === 'object') {
      try {
        const outer = enterMessage(r);
        walkProto(r, kind);
        r.len = outer;
      } catch (e) {
        throw inMessage(e, field.repeated ? `${kind.what} #${index}` : field.name);
      }
    } else if (kind === 'attributes') pushKeyValue(r, [], 0);
    else if (kind === 'resource') decodeResource(r, emptyResource());
    else if (kind === 'scope') decodeScope(r, emptyScope());
    else if (kind === 'traceId' || kind === 'spanId') checkIdLength(readHex(r).length / 2, kind);
    else if (kind === 'string') readString(r);
    else r.skipType(wire);
  }
}

function checkIdLength(bytes: number, kind: 'traceId' | 'spanId'): void {
  const want = kind === 'traceId' ? 16 : 8;
  if (bytes !== 0 && bytes !== want) throw new OtlpDecodeError(`${kind} has ${bytes} bytes; an id has ${want} (or none)`);
}

function walkJson(o: JsonObject, message: Message): void {
  for (const field of Object.values(message.fields)) {
    const kind = field.kind;
    if (kind === 'attributes') jsonKeyValues(o, field.name, snake(field.name));
    else if (kind === 'resource') jsonResource(get(o, field.name, snake(field.name)));
    else if (kind === 'scope') jsonScope(get(o, field.name, snake(field.name)));
    else if (field.repeated) {
      getArray(o, field.name, snake(field.name)).forEach((v, i) => {
        try {
          if (typeof kind === 'object') walkJson(asObject(v, `a ${kind.what}`), kind);
          // Only messages and numbers repeat in the schema.
          else if (kind !== 'enum' && kind !== 'traceId' && kind !== 'spanId') checkJsonScalar(v, kind);
        } catch (e) {
          throw inJson(e, `${field.name}[${i}]`);
        }
      });
    } else {
      const v = get(o, field.name, snake(field.name));
      if (v === undefined || v === null) continue;
      try {
        if (typeof kind === 'object') walkJson(asObject(v, `a ${kind.what}`), kind);
        else if (kind === 'enum') getEnum(o, field.name, snake(field.name), 'AGGREGATION_TEMPORALITY_', ['UNSPECIFIED', 'DELTA', 'CUMULATIVE']);
        else if (kind === 'traceId' || kind === 'spanId') {
          const id = getId(o, field.name, snake(field.name));
          if (!/^[0-9a-f]*$/.test(id)) throw new OtlpDecodeError(`expected a hex id, got ${describe(v)}`);
          checkIdLength(id.length / 2, kind);
        } else checkJsonScalar(v, kind);
      } catch (e) {
        throw inJson(e, field.name);
      }
    }
  }
}

function checkJsonScalar(v: unknown, kind: Scalar): void {
  const bad = () => new OtlpDecodeError(`expected ${kind === 'string' ? 'a string' : kind === 'bool' ? 'true or false' : `a ${kind}`}, got ${describe(v)}`);
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') throw bad();
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw bad();
      return;
    case 'double': {
      // proto3 JSON: a number, "NaN", "Infinity", "-Infinity" or a numeric string.
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || (Number.isNaN(n) && v !== 'NaN')) throw bad();
      return;
    }
    case 'fixed64': case 'uint64':
      if (int64Text(v, false) === undefined) throw bad();
      return;
    case 'sfixed64':
      if (int64Text(v, true) === undefined) throw bad();
      return;
    default: {
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      const [min, max] = kind === 'uint32' ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw bad();
    }
  }
}
