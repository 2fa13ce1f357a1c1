import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EngineClient } from '../../../src/core/engineClient';
import { backgroundNice, kernelThreadId, lowerThisThreadsPriority } from '../../../src/core/threadPriority';

/** A thread's nice value as the kernel reports it (/proc/<pid>/task/<tid>/stat, field 19). */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const threads = () => readdirSync(`/proc/${process.pid}/task`).map(Number);

/** A worker that lowers itself, then starts one of its own; both tell their kernel thread ids and stay until terminated. */
const lowering = `
const { Worker, parentPort } = require('node:worker_threads');
const { lowerThisThreadsPriority, kernelThreadId } = require(${JSON.stringify(require.resolve('../../../src/core/threadPriority'))});
const result = lowerThisThreadsPriority();
// The child stays alive until the test ends it: a thread that exited has no /proc entry left to read.
const child = new Worker("require('node:worker_threads').parentPort.postMessage(require(" + JSON.stringify(${JSON.stringify(require.resolve('../../../src/core/threadPriority'))}) + ").kernelThreadId()); setInterval(() => {}, 1 << 30)", { eval: true });
child.once('message', (childTid) => parentPort.postMessage({ result, tid: kernelThreadId(), childTid }));
`;

(process.platform === 'linux' ? describe : describe.skip)('engine threads run below VS Code\'s (Linux thread priority)', () => {
  it('a worker lowers only itself and the threads it starts; the main thread is untouched', async () => {
    const mainBefore = getPriority(process.pid);
    const worker = new Worker(lowering, { eval: true });
    try {
      const told = await new Promise<{ result: number | string; tid: number; childTid: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      assert.equal(told.result, backgroundNice);
      assert.notEqual(told.tid, process.pid);
      assert.equal(niceOf(told.tid), backgroundNice, 'the worker runs at the lower priority');
      assert.equal(niceOf(told.childTid), backgroundNice, 'a worker it starts (a decode worker) inherits it');
      assert.equal(getPriority(process.pid), mainBefore, 'the main thread keeps its priority');
      assert.equal(niceOf(process.pid), mainBefore);
    } finally {
      await worker.terminate();
    }
  });

  it('leaves the main thread alone', () => {
    assert.match(String(lowerThisThreadsPriority()), /main thread/);
    assert.equal(kernelThreadId(), process.pid);
  });

  it('the engine worker and only it (and what it starts) runs lowered', async () => {
    const before = new Set(threads());
    const engine = await EngineClient.start();
    try {
      assert.equal(engine.inWorker, true);
      const lowered = threads().filter((t) => !before.has(t) && niceOf(t) === backgroundNice);
      assert.ok(lowered.length >= 1, 'the engine worker thread runs at the lower priority');
      assert.equal(niceOf(process.pid), getPriority(process.pid));
      assert.ok(niceOf(process.pid) < backgroundNice, 'the host thread stays above it');
    } finally {
      await engine.dispose();
    }
  });
});
