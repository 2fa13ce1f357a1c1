// Cassette files are hostile until checked: every bad file is a clear error naming the field, fast.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cassette, CassetteError, parseCassette, readCassette, writeCassette } from '../../../src/core/gateway/cassette';
import { Replayer } from '../../../src/core/gateway/replayer';
import { firstDifference, fingerprint } from '../../../src/core/gateway/replayMatch';

const good: Cassette = {
  format: 'agent-debugger.cassette', version: 1, recordedAt: '2026-12-02T10:00:00.000Z',
  exchanges: [{
    step: 1, provider: 'openai', method: 'POST', path: '/chat/completions', startMs: 0, durationMs: 12,
    request: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
    response: { status: 200, contentType: 'text/event-stream', chunks: [{ atMs: 5, text: 'data: {}\n\n' }, { atMs: 7, base64: Buffer.from([0xe2, 0x82]).toString('base64') }] },
  }],
};

function bad(mutate: (c: Record<string, unknown> & { exchanges: Record<string, unknown>[] }) => void): string {
  const c = structuredClone(good) as unknown as Record<string, unknown> & { exchanges: Record<string, unknown>[] };
  mutate(c);
  return JSON.stringify(c);
}

describe('replay: cassette files', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'cassette-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('round-trips through a file, bytes of split UTF-8 chunks included', async () => {
    const path = join(dir, 'run.cassette.json');
    await writeCassette(path, good);
    assert.deepEqual(await readCassette(path), good);
  });

  it('refuses bad files with an error naming the field', () => {
    const cases: [string, RegExp][] = [
      ['not json {', /is not JSON/],
      ['[]', /must be a JSON object/],
      [bad((c) => (c.format = 'vcr')), /"format" must be "agent-debugger\.cassette"/],
      [bad((c) => (c.version = 99)), /"version" is 99; this version of Agent Debugger reads version 1/],
      [bad((c) => (c.exchanges = {} as never)), /"exchanges" must be an array/],
      [bad((c) => (c.exchanges[0]!.step = 7)), /exchanges\[0\]\.step must be 1/],
      [bad((c) => (c.exchanges[0]!.provider = 'skynet')), /exchanges\[0\]\.provider must be/],
      [bad((c) => (c.exchanges[0]!.path = 'http://evil/')), /exchanges\[0\]\.path must be a path/],
      [bad((c) => (c.exchanges[0]!.startMs = -1)), /exchanges\[0\]\.startMs/],
      [bad((c) => delete c.exchanges[0]!.request), /exchanges\[0\]\.request is missing/],
      [bad((c) => ((c.exchanges[0]!.response as { status: number }).status = 1000)), /response\.status must be an HTTP status/],
      [bad((c) => ((c.exchanges[0]!.response as { chunks: unknown[] }).chunks = [{ atMs: 1 }])), /response\.chunks\[0\] must carry text or base64/],
      [bad((c) => ((c.exchanges[0]!.response as { chunks: unknown[] }).chunks = [{ atMs: 1, base64: '!!' }])), /response\.chunks\[0\]/],
      [bad((c) => (c.exchanges[0]!.error = 'boom')), /exchanges\[0\]\.error must be/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseCassette(text, 'x.cassette.json'), (e: unknown) => e instanceof CassetteError && message.test(e.message) && e.message.startsWith('x.cassette.json'), text.slice(0, 80));
    }
  });

  it('refuses a file over the size cap without reading it, and a missing one clearly', async () => {
    const huge = join(dir, 'huge.cassette.json');
    await writeFile(huge, '');
    await truncate(huge, 600 * 1024 * 1024);
    const t = performance.now();
    await assert.rejects(readCassette(huge), /600 MB: larger than a cassette may be/);
    assert.ok(performance.now() - t < 1000);
    await assert.rejects(readCassette(join(dir, 'nope.json')), /cannot read the cassette .*ENOENT/);
  });

  it('a request nested a million deep is refused fast, and a live one diverges instead of overflowing', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const t = performance.now();
    assert.throws(() => parseCassette(bad((c) => (c.exchanges[0]!.request = '__DEEP__')).replace('"__DEEP__"', deep)), /exchanges\[0\]\.request is nested deeper than 400 levels/);
    const replayer = new Replayer(good);
    const verdict = replayer.responder({ provider: 'openai', method: 'POST', path: '/chat/completions', body: Buffer.from(deep) });
    assert.ok('forward' in verdict, 'goes live');
    assert.match(replayer.divergence!.reason, /request 1 is nested deeper than 400 levels/);
    assert.ok(performance.now() - t < 5000, `${performance.now() - t} ms`);
  });

  it('ignores volatile fields and key order when matching', () => {
    const a = { model: 'm', messages: [{ role: 'user', content: 'hi' }], user: 'u1', stream_options: { include_usage: true }, metadata: { id: 1 } };
    const b = { messages: [{ content: 'hi', role: 'user' }], model: 'm', user: 'u2' };
    assert.equal(fingerprint(a), fingerprint(b));
    assert.equal(firstDifference(a, b), undefined);
    assert.deepEqual(firstDifference(a, { ...b, temperature: 1 }), { field: 'temperature', recorded: '(absent)', now: '1' });
  });
});
