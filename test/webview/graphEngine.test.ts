// The graph as the extension runs it: spans through the real receiver into the engine worker, which builds
// the packed snapshot and answers the inspector; the host part only relays (as GraphPanel does) and the
// built bundle draws it in headless Chromium. On a 60k-span session (sent without span ids: sized to the
// view), stepping to the last error of the run draws it as current with its detail fetched by index, the
// host's reveal by id reaches the webview as an index, and what reached the host is the packed text and
// single steps' details, never the session's steps.
import * as assert from 'node:assert/strict';
import { EngineClient } from '../../src/core/engineClient';
import { sessionOfSteps } from '../../src/core/agent';
import type { SpanInput } from '../../src/core/agent/types';
import type { GraphToHost, GraphToWebview } from '../../src/protocol/graph';
import { syntheticSession } from '../unit/agent/synthetic';
import { openGraph, postOtlpJson, type GraphHarness } from './graphPage';

const SPANS = 60_000;
const SESSION = 'big-run';
/** The synthetic session's last failed tool call: turns of 4 spans, every tenth turn's tool fails. */
const lastErrorTurn = Math.floor(SPANS / 4 / 10) * 10;
const lastErrorId = (lastErrorTurn * 8 + 3).toString(16).padStart(16, '0');


/** OTLP/JSON of a batch of spans, tagged with the session. */
function otlpJson(inputs: SpanInput[]): string {
  const resource = { attributes: [{ key: 'agent_debugger.session.id', value: { stringValue: SESSION } }] };
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'test' }, spans: inputs.map((i) => i.span) }] }] });
}

describe('webview: trace graph fed by the engine worker (real receiver, 60k spans; the host relays)', function () {
  this.timeout(240_000);
  let engine: EngineClient;
  let g: GraphHarness | undefined;

  before(async () => {
    engine = await EngineClient.start();
    assert.ok(engine.inWorker, 'the engine runs on its worker');
    const { port } = (await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] })).http;
    // The first turn's trace id is all zeros, which OTLP refuses: the run starts at the second.
    const inputs = syntheticSession(SPANS + 4).slice(4);
    for (let i = 0; i < inputs.length; i += 2000) assert.equal(await postOtlpJson(port, otlpJson(inputs.slice(i, i + 2000))), 200);
    await engine.flush();
    // The mirror of the session list follows the store's change notices.
    for (let waited = 0; engine.getSession(SESSION)?.spanCount !== SPANS && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    assert.equal(engine.getSession(SESSION)?.spanCount, SPANS);
  });
  after(async () => {
    await g?.close();
    await engine?.dispose();
  });

  it('End, then the previous error: the last failed step of the run is drawn current, its detail asked of the worker; the host got the packed text, not the steps', async () => {
    const feed = 'test-panel';
    const answers: { type: string; chars: number }[] = [];
    // The host's part, as GraphPanel relays it: the worker's JSON text is posted unread.
    const host = async (m: GraphToHost): Promise<GraphToWebview | undefined> => {
      if (m.type === 'ready') {
        const a = await engine.graph.snapshot(feed, SESSION, {});
        assert.ok(a?.kind === 'snapshot');
        answers.push({ type: 'snapshot', chars: a.json.length });
        return { type: 'snapshot', snapshot: a.json };
      }
      if (m.type === 'requestStep') {
        const a = await engine.graph.stepDetail(feed, m.id, m.cursor, m.index);
        answers.push({ type: 'stepDetail', chars: JSON.stringify(a).length });
        return { type: 'stepDetail', requestId: m.requestId, detail: a?.detail, error: a ? undefined : 'gone' };
      }
      if (m.type === 'requestWindow') {
        const rows = await engine.graph.window(feed, m.from, m.to);
        answers.push({ type: 'window', chars: JSON.stringify(rows).length });
        return { type: 'window', requestId: m.requestId, rows };
      }
      return undefined;
    };
    g = await openGraph({ session: sessionOfSteps([]), host });
    const { page } = g;
    await page.locator('.node').first().waitFor({ timeout: 120_000 });
    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    await page.keyboard.press('E'); // the previous error: the run's last one
    // The worker names the step's index (the snapshot carried no span ids); the run's repeated turns are folded
    // (keys by index too), so the fold holding the step is drawn current.
    const [lastErrorIndex] = await engine.graph.indices(feed, [lastErrorId]);
    assert.equal(typeof lastErrorIndex, 'number');
    const current = page.locator('.node.current');
    await current.waitFor();
    assert.equal(await current.count(), 1);
    assert.match((await current.getAttribute('data-key')) ?? '', /^(fold:|chunk:)?#\d+/);
    const cursor = Number(await page.locator('#scrubber').inputValue());
    assert.ok(cursor > SPANS * 2 - 100, `a cursor near the end of the run (${cursor})`);
    // Its detail came from the worker for that cursor: the error it failed with is shown. (The webview asks
    // for a step's detail a moment after drawing it current: the request is looked for once it is answered.)
    await page.locator(`#inspector[data-step-id="${lastErrorId}"][data-cursor="${cursor}"]`).waitFor();
    assert.ok(g.toHost.some((m) => m.type === 'requestStep' && m.id === '' && m.index === lastErrorIndex), 'the far step asked for by index');
    assert.match(await page.locator('#inspector').innerText(), /boom/);
    // The host reveals it by id (as a breakpoint does), with its index: drawn as its own node, current.
    await g.send({ type: 'revealStep', id: lastErrorId, index: lastErrorIndex, seek: 'end' });
    const own = page.locator(`.node.current[data-key="#${lastErrorIndex}"]`);
    await own.waitFor();
    assert.equal(await own.getAttribute('aria-current'), 'step');
    assert.equal(Number(await page.locator('#scrubber').inputValue()), cursor);

    // The host reveals a step by id (as the editor or a breakpoint does): it posts the feed's index with it.
    const firstId = (1 * 8 + 1).toString(16).padStart(16, '0'); // the root of the run's first turn
    const [firstIndex] = await engine.graph.indices(feed, [firstId]);
    assert.equal(typeof firstIndex, 'number');
    await g.send({ type: 'revealStep', id: firstId, index: firstIndex, seek: 'start' });
    // The first root also starts the group of the run's roots (folded, chunked: keyed by that index), drawn current.
    await page.waitForFunction((i) => new RegExp(`(^|:)#${i}(:|$)`).test((globalThis as unknown as { document: { querySelector(s: string): { dataset: { key: string } } | null } }).document.querySelector('.node.current')?.dataset.key ?? ''), firstIndex);
    assert.equal(Number(await page.locator('#scrubber').inputValue()), 0);
    await page.locator(`#inspector[data-step-id="${firstId}"]`).waitFor();

    // What reached the host: one packed snapshot (under 100 characters a span) and small answers about single steps.
    const snapshots = answers.filter((a) => a.type === 'snapshot');
    assert.equal(snapshots.length, 1);
    assert.ok(snapshots[0].chars < 40 * SPANS, `${snapshots[0].chars} characters of snapshot for ${SPANS} spans`);
    assert.ok(!g.snapshotJson.includes(lastErrorId), 'no span id in the snapshot');
    const others = answers.filter((a) => a.type !== 'snapshot');
    assert.ok(others.some((a) => a.type === 'stepDetail'));
    for (const a of others) assert.ok(a.chars < 200_000, `${a.type}: ${a.chars} characters`);
    assert.ok(!g.snapshotJson.includes('"boom"'), 'no error text in the snapshot: details come on demand');
  });
});
