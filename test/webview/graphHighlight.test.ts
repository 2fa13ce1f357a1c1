// The graph's `highlightSteps` message (sent when a Cost view row is clicked): the set is marked, its
// first step selected and revealed, a chip names it; the chip's button or Esc clears it; it survives
// live deltas and is dropped when another session arrives.
import * as assert from 'node:assert/strict';
import { loadFixture } from './graphFixtures';
import { openGraph, type GraphHarness } from './graphPage';

describe('webview: trace graph highlights a step set', function () {
  this.timeout(60_000);
  const semconv = loadFixture('genai-semconv');
  const steps = semconv.session.steps;
  // search_flights tool calls (#3 #5 #7) and the LLM calls reading their results (#4 #6 #8)
  const ids = steps.slice(2, 8).map((s) => s.id);
  let g: GraphHarness | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('marks the set, selects and reveals the first, names it in a chip; Esc clears', async () => {
    g = await openGraph({ session: semconv.session, raw: semconv.inputs });
    const { page } = g;
    await page.locator('.node').first().waitFor();
    await g.send({ type: 'highlightSteps', ids, label: 'Tool search_flights · 3 calls + 3 LLM calls reading its results' });
    await page.locator('#highlight-chip:not([hidden])').waitFor();
    assert.match(await page.locator('#highlight-chip').innerText(), /Tool search_flights · 3 calls \+ 3 LLM calls reading its results · 6 steps/);
    const marked = await page.locator('.node.highlighted').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { key: string } }).dataset.key));
    // The repeated llm -> tool pattern is folded into one item: marked items stand for the six steps.
    assert.ok(marked.length >= 2 && marked.length <= 6, `${marked.length} marked items`);
    assert.ok(marked.includes((await page.locator('.node.selected').getAttribute('data-key'))!), 'the first step is selected and marked');
    await page.locator(`#inspector[data-step-id="${ids[0]}"]`).waitFor();
    const select = g.toHost.find((m) => m.type === 'selectStep');
    assert.equal(select && 'id' in select ? select.id : undefined, ids[0]);

    await page.keyboard.press('Escape');
    await page.locator('#highlight-chip[hidden]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.node.highlighted').count(), 0);
  });

  it('the chip button clears; an empty set clears; a set survives a live delta', async () => {
    g = await openGraph({ session: semconv.session, raw: semconv.inputs });
    const { page } = g;
    await page.locator('.node').first().waitFor();
    await g.send({ type: 'highlightSteps', ids: [ids[1]], label: 'one step' });
    await page.locator('.node.highlighted').waitFor();
    assert.match(await page.locator('#highlight-chip').innerText(), /one step · 1 step$/);
    await g.update(semconv.session);
    await page.waitForTimeout(200);
    assert.equal(await page.locator('.node.highlighted').count(), 1);
    await page.locator('#highlight-chip button').click();
    assert.equal(await page.locator('.node.highlighted').count(), 0);
    await g.send({ type: 'highlightSteps', ids: [ids[1]], label: 'again' });
    await page.locator('.node.highlighted').waitFor();
    await g.send({ type: 'highlightSteps', ids: [], label: '' });
    await page.locator('#highlight-chip[hidden]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.node.highlighted').count(), 0);
  });
});
