// Attack: 20 concurrent ~60 MiB bodies (each under the 64 MiB body cap) at `serve`. The bytes read,
// inflated and decoded at once are capped: past the cap the receiver answers 429 with Retry-After, and
// the process's peak RSS stays under a stated bound.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigTraceBody, peakRssMib } from './bigBodies';
import { serve } from './cliServe';

/**
 * Peak RSS the flood may add over the idle receiver (MiB), as the README states. Measured on a 2-core VM:
 * +337 and +358 MiB with the 128 MiB in-flight cap; +2129 MiB without it (every body read and decoded at once).
 */
const boundMib = Number(process.env.AGENT_DEBUGGER_INFLIGHT_BOUND_MIB ?? 600);

describe('attack: concurrent large bodies keep memory bounded', function () {
  this.timeout(240_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-inflight-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`20 concurrent 60 MiB bodies: some 429 with Retry-After, peak RSS grows < ${boundMib} MiB`, async () => {
    const body = bigTraceBody(60, 1);
    assert.ok(body.length > 59 * 2 ** 20 && body.length < 64 * 2 ** 20, `body of ${body.length} bytes`);
    // A small store cap: what is measured is the bodies in flight, not the store filling up.
    const server = await serve(['--max-memory-mb', '64', '--out', join(dir, 'out.otlp.json')]);
    try {
      const idle = await peakRssMib(server.child.pid!);
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          // A refusal sent before the body is read closes the connection: a client still writing its 60 MiB
          // may see that as EPIPE / ECONNRESET instead of reading the 429 (exporters retry both alike).
          try {
            const res = await fetch(`${server.endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
            const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
            return { status: res.status, retryAfter: res.headers.get('retry-after'), text };
          } catch (e) {
            const code = (e as { cause?: { code?: string } }).cause?.code;
            if (code !== 'EPIPE' && code !== 'ECONNRESET') throw e;
            return { status: 0, retryAfter: null, text: code };
          }
        }),
      );
      const peak = await peakRssMib(server.child.pid!);
      const statuses = answers.map((a) => a.status);
      console.log(`      statuses: ${statuses.join(' ')}; peak RSS ${idle.toFixed(0)} -> ${peak.toFixed(0)} MiB (+${(peak - idle).toFixed(0)})`);
      assert.ok(statuses.every((s) => s === 200 || s === 429 || s === 0), statuses.join(' '));
      assert.ok(statuses.includes(200), 'some bodies are taken');
      assert.ok(statuses.some((s) => s !== 200), 'some bodies are refused');
      for (const a of answers.filter((x) => x.status === 429)) {
        assert.ok(Number(a.retryAfter) >= 1, `Retry-After ${a.retryAfter}`);
        assert.match(a.text, /request bodies in flight/);
      }
      assert.ok(peak - idle < boundMib, `peak RSS grew by ${(peak - idle).toFixed(0)} MiB`);
    } finally {
      await server.stop();
    }
  });
});
