// JSON text written as bytes (UTF-8) from bytes: the pieces around values, hex, and strings escaped
// exactly as JSON.stringify escapes them, for the decode worker's fast path (protoPrepared.ts).
import { isUtf8 } from 'node:buffer';
import type { ByteBuffer } from './byteBuffer';

/** The pieces of JSON written around values, as bytes. */
export const J = Object.fromEntries(
  Object.entries({
    traceStateFirst: '{"traceState":', kindAfterState: ',"kind":', kindFirst: '{"kind":',
    start: ',"startTimeUnixNano":"', end: ',"endTimeUnixNano":"', noStart: ',"startTimeUnixNano":"0"', noEnd: ',"endTimeUnixNano":"0"',
    attributes: ',"attributes":[', events: ',"events":[', links: ',"links":[',
    droppedAttributes: ',"droppedAttributesCount":', droppedEvents: ',"droppedEventsCount":', droppedLinks: ',"droppedLinksCount":',
    statusMessage: ',"statusMessage":', flags: ',"flags":',
    key: '{"key":', emptyString: '""', value: ',"value":', noValue: ',"value":{}}', emptyObject: '{}', emptyList: '[]',
    stringValue: '{"stringValue":', intValue: '{"intValue":"', doubleValue: '{"doubleValue":', bytesValue: '{"bytesValue":"',
    true: '{"boolValue":true}', false: '{"boolValue":false}', arrayValue: '{"arrayValue":{"values":[', kvlistValue: '{"kvlistValue":{"values":[',
    listEnd: ']}}', quoteBrace: '"}', quote: '"',
    eventTime: '{"timeUnixNano":"', eventName: '","name":', eventAttributes: ',"attributes":',
    linkTrace: '{"traceId":"', linkSpan: '","spanId":"', linkState: '","traceState":', linkFlags: ',"flags":',
  }).map(([k, v]) => [k, Buffer.from(v, 'latin1')]),
) as Record<string, Buffer>;

const hexChars = Buffer.from('0123456789abcdef', 'latin1');
/** 1 for the bytes a JSON string holds as they are (printable ASCII but '"' and '\\'). */
const plain = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x20 && c < 0x80 && c !== 0x22 && c !== 0x5c ? 1 : 0));
/** JSON.stringify's escape for each byte below 0x20, '"' and '\\'. */
const escapes = Array.from({ length: 128 }, (_, c) => Buffer.from(JSON.stringify(String.fromCharCode(c)).slice(1, -1), 'latin1'));
/** Bytes as lowercase hex; returns the length after them. */
export function hex(out: ByteBuffer, buf: Buffer, start: number, end: number): number {
  out.room(2 * (end - start));
  const o = out.buf;
  let at = out.length;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    o[at++] = hexChars[byte >> 4]!;
    o[at++] = hexChars[byte & 15]!;
  }
  return (out.length = at);
}

/** UTF-8 text as it is, or re-encoded with U+FFFD where it is not valid UTF-8 (as decoding it would). */
export function utf8(out: ByteBuffer, buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      if (isUtf8(buf.subarray(start, end))) break;
      return out.string(buf.toString('utf8', start, end));
    }
  }
  return out.copy(buf, start, end);
}

/** A JSON string of UTF-8 bytes [start, end): what JSON.stringify writes for the decoded string. */
export function jsonString(out: ByteBuffer, buf: Buffer, start: number, end: number): void {
  const from = out.length;
  out.room(6 * (end - start) + 2);
  const o = out.buf;
  let at = from;
  let high = false;
  o[at++] = 0x22;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (plain[c] === 1) o[at++] = c;
    else if (c >= 0x80) {
      high = true;
      o[at++] = c;
    } else {
      const escape = escapes[c]!;
      for (let e = 0; e < escape.length; e++) o[at++] = escape[e]!;
    }
  }
  o[at++] = 0x22;
  out.length = at;
  if (high && !isUtf8(buf.subarray(start, end))) {
    out.length = from;
    out.string(JSON.stringify(buf.toString('utf8', start, end)));
  }
}
