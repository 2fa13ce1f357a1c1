import * as assert from 'node:assert/strict';
import { Requests } from '../../../webview/graph/requests';

describe('graph webview: requests to the host (pure)', () => {
  it('matches answers by request id, rejects errors and silence, ignores strays', async () => {
    const r = new Requests(50);
    const sent: number[] = [];
    const a = r.request<{ requestId: number; value?: number }>((id) => sent.push(id));
    const b = r.request((id) => sent.push(id));
    const c = r.request((id) => sent.push(id));
    assert.deepEqual(sent, [1, 2, 3]);
    assert.equal(r.settle({ requestId: 99 }), false);
    assert.equal(r.settle({ requestId: 2, error: 'no such step' }), true);
    assert.equal(r.settle({ requestId: 1, value: 7 } as { requestId: number }), true);
    assert.equal((await a).value, 7);
    await assert.rejects(b, /no such step/);
    await assert.rejects(c, /did not answer/);
    assert.equal(r.settle({ requestId: 3 }), false, 'too late');
  });
});
