// The engine worker's heap is sized for the models of long runs (engineWorker.ts engineHeapLimitMb): half
// the machine's memory, at most 16 GB, never less than V8's default; checked in the real worker too.
import * as assert from 'node:assert/strict';
import { EngineClient } from '../../../src/core/engineClient';
import { engineHeapLimitMb } from '../../../src/core/engineWorker';

const GB = 2 ** 30;

describe('engine worker: a heap sized for long runs', function () {
  this.timeout(60_000);

  it('gives half the memory, at most 16 GB, and never less than V8 would', () => {
    assert.equal(engineHeapLimitMb(8 * GB, 2 * GB), 4096, 'an 8 GB laptop: 4 GB, where V8 gives 2');
    assert.equal(engineHeapLimitMb(16 * GB, 4 * GB), 8192);
    assert.equal(engineHeapLimitMb(64 * GB, 4 * GB), 16384, 'at most 16 GB');
    assert.equal(engineHeapLimitMb(4 * GB, 3 * GB), 3072, "V8's default when it is more");
  });

  it('the real worker runs with that limit', async () => {
    const engine = await EngineClient.start({});
    try {
      assert.equal(engine.inWorker, true);
      const limit = await engine.test.heapLimit();
      assert.ok(limit >= engineHeapLimitMb() * 2 ** 20, `heap limit ${Math.round(limit / 2 ** 20)} MB, expected at least ${engineHeapLimitMb()} MB`);
    } finally {
      await engine.dispose();
    }
  });
});
