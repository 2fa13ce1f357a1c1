// "Re-run from here" in the graph inspector: an LLM step shows the button and clicking it posts a typed
// `rerunFromHere` message naming the step; a tool step has no such button.
import * as assert from 'node:assert/strict';
import { loadFixture } from './graphFixtures';
import { openGraph, type GraphHarness } from './graphPage';

describe('webview: trace graph inspector re-runs from an LLM step', function () {
  this.timeout(60_000);
  const semconv = loadFixture('genai-semconv');
  const llm = semconv.session.steps.find((s) => s.kind === 'llm')!;
  const tool = semconv.session.steps.find((s) => s.kind === 'tool')!;
  let g: GraphHarness | undefined;
  after(async () => g?.close());

  it('posts rerunFromHere for the LLM step shown; no button on a tool step', async () => {
    g = await openGraph({ session: semconv.session, raw: semconv.inputs });
    const { page } = g;
    await page.locator('.node').first().waitFor();
    await g.send({ type: 'revealStep', id: tool.id });
    await page.locator(`#inspector[data-step-id="${tool.id}"]`).waitFor();
    assert.equal(await page.locator('#insp-rerun, #insp-rerun-answer, #insp-playground').count(), 0);

    await g.send({ type: 'revealStep', id: llm.id });
    await page.locator(`#inspector[data-step-id="${llm.id}"] #insp-rerun`).click();
    await page.waitForFunction(() => true); // one round trip: the posted message has reached the harness
    const sent = g.toHost.find((m) => m.type === 'rerunFromHere');
    assert.ok(sent && sent.type === 'rerunFromHere', 'a rerunFromHere message was posted');
    assert.equal(sent.id, llm.id);
    assert.ok(sent.sessionId.length > 0);
    assert.equal(sent.mode, undefined);

    // The alternatives: the answer to edit ("what if"), and one call again.
    await page.locator('#insp-rerun-answer').click();
    await page.locator('#insp-playground').click();
    await page.waitForFunction(() => true);
    assert.deepEqual(g.toHost.filter((m) => m.type === 'rerunFromHere').map((m) => (m.type === 'rerunFromHere' ? m.mode : 'other')), [undefined, 'response', 'playground']);
  });
});
