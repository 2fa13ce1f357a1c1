import * as assert from 'node:assert/strict';
import { encodeExportResponse, encodeStatus } from '../../../src/core/otlp/responses';
import { u64NsToMs, u64ToDecimal } from '../../../src/core/otlp/protoWire';
import { nsToMs } from '../../../src/core/otlp/nanos';
import { decodeExportResponseProto, decodeStatusProto, prng } from './helpers';

describe('OTLP responses', () => {
  it('full success is an empty message / {} and leaves partial_success unset', () => {
    assert.equal(encodeExportResponse('traces', 'protobuf').length, 0);
    assert.equal(encodeExportResponse('traces', 'json').toString(), '{}');
    assert.equal(encodeExportResponse('logs', 'json', { rejected: 0, errorMessage: '' }).toString(), '{}');
    assert.equal(encodeExportResponse('metrics', 'protobuf', { rejected: 0, errorMessage: '' }).length, 0);
  });

  it('partial success carries the rejected count (int64) and the message', () => {
    const partial = { rejected: 3, errorMessage: '3 spans rejected: …' };
    assert.deepEqual(decodeExportResponseProto(encodeExportResponse('traces', 'protobuf', partial)), { rejected: '3', errorMessage: partial.errorMessage });
    assert.deepEqual(JSON.parse(encodeExportResponse('traces', 'json', partial).toString()), { partialSuccess: { rejectedSpans: '3', errorMessage: partial.errorMessage } });
    assert.deepEqual(JSON.parse(encodeExportResponse('logs', 'json', partial).toString()), { partialSuccess: { rejectedLogRecords: '3', errorMessage: partial.errorMessage } });
    assert.deepEqual(JSON.parse(encodeExportResponse('metrics', 'json', partial).toString()), { partialSuccess: { rejectedDataPoints: '3', errorMessage: partial.errorMessage } });
    // A warning with nothing rejected is allowed.
    assert.deepEqual(JSON.parse(encodeExportResponse('traces', 'json', { rejected: 0, errorMessage: 'w' }).toString()), { partialSuccess: { errorMessage: 'w' } });
  });

  it('google.rpc.Status in both encodings', () => {
    assert.deepEqual(decodeStatusProto(encodeStatus('protobuf', 3, 'bad ✗')), { code: 3, message: 'bad ✗' });
    assert.deepEqual(JSON.parse(encodeStatus('json', 14, 'later').toString()), { code: 14, message: 'later' });
  });
});

describe('u64ToDecimal, u64NsToMs', () => {
  it('match BigInt and nsToMs of the decimal for edge values and 20,000 random ones', () => {
    const check = (lo: number, hi: number): void => {
      const decimal = ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
      assert.equal(u64ToDecimal(lo >>> 0, hi >>> 0), decimal, `${lo} ${hi}`);
      assert.equal(u64NsToMs(lo >>> 0, hi >>> 0), nsToMs(decimal), decimal);
    };
    // Times around now, in ns (what spans carry).
    for (let ns = 1_700_000_000_000_000_000n; ns < 1_700_000_000_000_004_000n; ns += 999n) check(Number(ns & 0xffffffffn), Number(ns >> 32n));
    for (const hi of [0, 1, 0x1fffff, 0x200000, 0x7fffffff, 0x80000000, 0xffffffff]) {
      for (const lo of [0, 1, 999999999, 1000000000, 0x7fffffff, 0xffffffff]) check(lo, hi);
    }
    const rand = prng(7);
    for (let i = 0; i < 20000; i++) check(Math.floor(rand() * 2 ** 32), Math.floor(rand() * 2 ** 32));
  });
});
