// The standalone HTML report (one file) opened from disk in headless Chromium with networking disabled: every
// request the page tries is recorded and aborted. It must show the graph, step through time with the keyboard
// (inspector answered by the inlined "host"), show the cost summary, and try nothing but data:/blob: URLs.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { byModel as costByModel } from '../../src/core/cost';
import { root } from '../harness/codeServer';
import { loadFixture } from './graphFixtures';
import { openReport } from './reportPage';
import { codiconLoaded } from './webviewPage';

describe('webview: HTML report offline (one file in headless Chromium, no network)', function () {
  this.timeout(90_000);

  it('shows the graph and cost summary, steps through time with the keyboard, and requests nothing', async () => {
    const vercel = loadFixture('vercel-ai-agent');
    const ids = vercel.session.steps.map((s) => s.id);
    const t = vercel.session.timeline;
    // A hostile session name: escaped in the title and the data, never markup.
    const r = await openReport(vercel, { name: 'weather </script><img src=x onerror=alert(1)>' });
    const { page, attempted, errors } = r;
    assert.equal(r.html.match(/<\/script/gi)?.length, 3, 'exactly the three script elements close');
    try {
      await page.locator('.node').nth(6).waitFor();
      assert.equal(await page.locator('.node').count(), 7);
      assert.match(await page.locator('#session-title').innerText(), /7 steps · 3 LLM calls · 2 tool calls/);
      assert.equal(await page.title(), 'Agent Trace: weather </script><img src=x onerror=alert(1)>');
      assert.equal(await page.locator('img').count(), 0);
      for (const kind of ['contains', 'next', 'dataflow']) assert.ok((await page.locator(`svg.edges path.edge.${kind}`).count()) > 0, `${kind} edges`);
      // Codicons come from the inlined font.
      assert.equal(await codiconLoaded(page), true);

      await page.locator('#report-costs summary').click(); // the status bar opens upward
      const costs = await page.locator('#report-costs').innerText();
      const byModel = costByModel(vercel.session.steps);
      assert.match(costs, /Cost \$0\.0001\d* · 3\d\d in \/ \d+ out tokens/);
      assert.ok(byModel.length > 0);
      for (const g of byModel) assert.ok(costs.includes(g.key), `model ${g.key} listed`);

      const cursor = async () => Number(await page.locator('#scrubber').inputValue());
      const inspectorAt = (id: string, c: number) => page.locator(`#inspector[data-step-id="${id}"][data-cursor="${c}"]`).waitFor();
      await page.keyboard.press('Home');
      assert.equal(await cursor(), 0);
      await page.keyboard.press('n');
      assert.equal(await cursor(), t.startAt[1]);
      await inspectorAt(ids[1]!, t.startAt[1]!);
      assert.match(await page.locator('#insp-conversation').innerText(), /no reply yet at the cursor/);
      await page.keyboard.press('ArrowRight');
      await inspectorAt(ids[1]!, t.endAt[1]!);
      assert.match(await page.locator('#insp-conversation').innerText(), /calls getWeather \(call_paris\)/);
      assert.match(await page.locator('#insp-cumulative').innerText(), /150 tok \(120 in, 30 out\)/);
      await page.keyboard.press('t');
      assert.equal(await cursor(), t.startAt[2]);
      await inspectorAt(ids[2]!, t.startAt[2]!);
      assert.equal(await page.locator('.node.current').getAttribute('data-phase'), 'running');
      assert.equal(await page.locator('#insp-tool-result').innerText(), '(not returned yet at the cursor)');
      await page.keyboard.press('End');
      assert.equal(await cursor(), t.length - 1);
      await page.locator('.node[data-phase="pending"]').first().waitFor({ state: 'detached' });
      await page.screenshot({ path: join(root, 'test-results', 'html-report.png') });
    } finally {
      await r.close();
    }
    assert.deepEqual(attempted.filter((u) => !/^(data|blob):/.test(u)), [], 'no network requests');
    assert.deepEqual(errors, []);
  });

  it('says "1 tool call" and "1 error", never "1 errors", in the title and the cost summary', async () => {
    const fixture = loadFixture('anthropic-openinference'); // 8 steps, 3 LLM calls, 1 tool call, 1 error, 1 retried call
    const s = fixture.session;
    const r = await openReport(fixture);
    try {
      assert.match(await r.page.locator('#session-title').innerText(), /8 steps · 3 LLM calls · 1 tool call · 1 failed/);
      await r.page.locator('#report-costs summary').click();
      const costs = await r.page.locator('#report-costs').innerText();
      assert.match(costs, /8 steps · 3 LLM calls · 1 tool call · 1 error · /);
      assert.doesNotMatch(costs + (await r.page.locator('#session-title').innerText()), /\b1 (errors|tool calls|steps|LLM calls)\b/);
      // The SDK call re-sent after a 529 is one call that says it was retried.
      const retried = s.steps[5]!;
      await r.page.keyboard.press('Home');
      const at = s.timeline.startAt[5]!;
      for (let i = 0; i < 12 && Number(await r.page.locator('#scrubber').inputValue()) !== at; i++) await r.page.keyboard.press('n');
      await r.page.locator(`#inspector[data-step-id="${retried.id}"][data-cursor="${at}"]`).waitFor();
      assert.equal(await r.page.locator('#inspector .insp-header .tag', { hasText: 'retried 1×' }).count(), 1);
    } finally {
      await r.close();
    }
    assert.deepEqual(r.errors, []);
  });
});
