import * as assert from 'node:assert/strict';
import { encodeExportResponse, encodeStatus } from '../../../src/core/otlp/responses';
import { u64ToDecimal } from '../../../src/core/otlp/protoWire';
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

describe('u64ToDecimal', () => {
  it('matches BigInt for edge values and 20,000 random ones', () => {
    const check = (lo: number, hi: number): void => {
      assert.equal(u64ToDecimal(lo >>> 0, hi >>> 0), ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(), `${lo} ${hi}`);
    };
    for (const hi of [0, 1, 0x1fffff, 0x200000, 0x7fffffff, 0x80000000, 0xffffffff]) {
      for (const lo of [0, 1, 999999999, 1000000000, 0x7fffffff, 0xffffffff]) check(lo, hi);
    }
    const rand = prng(7);
    for (let i = 0; i < 20000; i++) check(Math.floor(rand() * 2 ** 32), Math.floor(rand() * 2 ** 32));
  });
});
