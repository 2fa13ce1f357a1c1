// opentelemetry.proto.logs.v1 walked by field number: ResourceLogs > ScopeLogs > LogRecord.
import type { Reader } from 'protobufjs/minimal';
import { inMessage } from './errors';
import type { LogRecord, ResourceLogs, ScopeLogs } from './model';
import { decodeAnyValue, decodeResource, decodeScope, emptyResource, emptyScope, pushKeyValue } from './protoCommon';
import {
  WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, enterMessage, expectWire, forEachRepeated, readFixed32, readFixed64,
  readHex, readString, skipField,
} from './protoWire';

/** ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1 } (the whole buffer). */
export function walkLogsRequest(r: Reader): ResourceLogs[] {
  const out: ResourceLogs[] = [];
  forEachRepeated(r, () => out.push(decodeResourceLogs(r)), (n) => `resource #${n}`);
  return out;
}

function decodeResourceLogs(r: Reader): ResourceLogs {
  const rl: ResourceLogs = { resource: emptyResource(), scopeLogs: [], schemaUrl: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expectWire(tag, WIRE_LEN);
        decodeResource(r, rl.resource);
        break;
      case 2:
        expectWire(tag, WIRE_LEN);
        try {
          const outer = enterMessage(r);
          rl.scopeLogs.push(decodeScopeLogs(r));
          r.len = outer;
        } catch (e) {
          throw inMessage(e, `scope #${rl.scopeLogs.length}`);
        }
        break;
      case 3:
        expectWire(tag, WIRE_LEN);
        rl.schemaUrl = readString(r);
        break;
      default:
        skipField(r, tag);
    }
  }
  return rl;
}

function decodeScopeLogs(r: Reader): ScopeLogs {
  const sl: ScopeLogs = { scope: emptyScope(), logRecords: [], schemaUrl: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expectWire(tag, WIRE_LEN);
        decodeScope(r, sl.scope);
        break;
      case 2:
        expectWire(tag, WIRE_LEN);
        try {
          const outer = enterMessage(r);
          sl.logRecords.push(decodeLogRecord(r));
          r.len = outer;
        } catch (e) {
          throw inMessage(e, `log record #${sl.logRecords.length}`);
        }
        break;
      case 3:
        expectWire(tag, WIRE_LEN);
        sl.schemaUrl = readString(r);
        break;
      default:
        skipField(r, tag);
    }
  }
  return sl;
}

function decodeLogRecord(r: Reader): LogRecord {
  const log: LogRecord = {
    timeUnixNano: '0', observedTimeUnixNano: '0', severityNumber: 0, severityText: '', body: {}, attributes: [],
    droppedAttributesCount: 0, flags: 0, traceId: '', spanId: '', eventName: '',
  };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: expectWire(tag, WIRE_FIXED64); log.timeUnixNano = readFixed64(r); break;
      case 11: expectWire(tag, WIRE_FIXED64); log.observedTimeUnixNano = readFixed64(r); break;
      case 2: expectWire(tag, WIRE_VARINT); log.severityNumber = r.int32(); break;
      case 3: expectWire(tag, WIRE_LEN); log.severityText = readString(r); break;
      case 5: {
        expectWire(tag, WIRE_LEN);
        try {
          const outer = enterMessage(r);
          log.body = decodeAnyValue(r, 0);
          r.len = outer;
        } catch (e) {
          throw inMessage(e, 'body');
        }
        break;
      }
      case 6: expectWire(tag, WIRE_LEN); pushKeyValue(r, log.attributes, 0); break;
      case 7: expectWire(tag, WIRE_VARINT); log.droppedAttributesCount = r.uint32(); break;
      case 8: expectWire(tag, WIRE_FIXED32); log.flags = readFixed32(r); break;
      case 9: expectWire(tag, WIRE_LEN); log.traceId = readHex(r); break;
      case 10: expectWire(tag, WIRE_LEN); log.spanId = readHex(r); break;
      case 12: expectWire(tag, WIRE_LEN); log.eventName = readString(r); break;
      default: skipField(r, tag);
    }
  }
  return log;
}
