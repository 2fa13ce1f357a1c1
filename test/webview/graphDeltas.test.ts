// A long live run in the graph bundle (headless Chromium): one trace whose agent span comes last, grown over
// many deltas that keep the events and edges the page has (core/agent/deltaKeep.ts), some of them of spans
// that start before ones shown. Stepped key by key, it shows what a page given the whole run at once shows.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { buildSession } from '../../src/core/agent';
import type { PackedDeltaDto } from '../../src/protocol/graph';
import { packedJson } from '../../src/protocol/graphPacking';
import { agentShapedSession, underOpenRuns } from '../unit/agent/agentShaped';
import { openGraph, type GraphHarness } from './graphPage';

const cursorOf = async (page: Page) => Number(await page.locator('#scrubber').inputValue());

/** Where a key leaves the page: its cursor, the current step and the step the inspector shows. */
async function press(page: Page, key: string): Promise<{ cursor: number; current: string | null; inspector: string | null }> {
  await page.keyboard.press(key);
  const cursor = await cursorOf(page);
  const current = await page.locator('.node.current').getAttribute('data-key');
  await page.locator(`#inspector[data-cursor="${cursor}"]`).waitFor();
  return { cursor, current, inspector: await page.locator('#inspector').getAttribute('data-step-id') };
}

describe('webview: a long run grown over kept deltas', function () {
  this.timeout(120_000);
  let grown: GraphHarness | undefined;
  let whole: GraphHarness | undefined;
  after(async () => {
    await grown?.close();
    await whole?.close();
  });

  it('steps through the run as a page sent the whole run does', async () => {
    const long = underOpenRuns(agentShapedSession(30), true);
    const [run, ...spans] = long;
    const size = Math.ceil(spans.length / 7);
    const parts = Array.from({ length: 7 }, (_, k) => spans.slice(k * size, (k + 1) * size));
    const info = { id: 'long', name: 'long run', live: true };
    let inputs = parts[0]!;
    grown = await openGraph({ session: buildSession(inputs), info, raw: long });
    await grown.page.locator('.node').first().waitFor();
    const sent: PackedDeltaDto[] = [];
    // Every other part in reverse (spans that start before ones the page has), the agent span last.
    for (const part of [...parts.slice(1).map((p, k) => (k % 2 ? p.slice().reverse() : p)), [run!]]) {
      inputs = [...inputs, ...part];
      grown.session = buildSession(inputs);
      const delta = grown.feed.packedDelta(grown.session)!;
      sent.push(delta);
      await grown.send({ type: 'delta', delta: packedJson(delta) });
    }
    const session = buildSession(long);
    whole = await openGraph({ session, info, raw: long });
    await whole.page.locator('.node').first().waitFor();
    assert.equal(grown.toHost.filter((m) => m.type === 'ready').length, 1, 'every delta applied: no resync');
    console.log('      kept', sent.map((d) => `${d.timeline.keep}/${d.edges.keep}`).join(' '));
    assert.ok(sent.slice(0, -1).every((d) => (d.timeline.keep ?? 0) > 0), 'each delta of new turns keeps the events the page has');
    // Spans in reverse get indices out of time order: the `next` edges are still derived (in start order).
    assert.ok(sent.every((d) => (d.edges.keep ?? 0) > 0 && d.edges.derivedNext > 0 && d.edges.startOrder === true), 'and the edges');
    const bytes = sent.map((d) => packedJson(d).length);
    console.log(`      deltas ${bytes.join(', ')} bytes; the whole run's snapshot ${whole.snapshotBytes}`);
    assert.ok(bytes.slice(1, -1).every((b) => b < whole!.snapshotBytes), 'a delta of new turns is less than a snapshot');

    // The inspector follows the cursor once a step is selected.
    for (const g of [grown, whole]) {
      await g.send({ type: 'revealStep', id: run!.span.spanId });
      await g.page.locator(`#inspector[data-step-id="${run!.span.spanId}"]`).waitFor();
    }
    const first = await press(grown.page, 'End');
    assert.equal(first.cursor, session.timeline.length - 1, 'End: the last event of the whole run');
    assert.deepEqual(first, await press(whole.page, 'End'));
    for (const key of ['Home', 'n', 'n', 't', 'ArrowRight', 'ArrowRight', 'e', 'p', 'ArrowLeft', 'End', 'T', 'T']) {
      assert.deepEqual(await press(grown.page, key), await press(whole.page, key), `after ${key}`);
    }
    assert.equal(await grown.page.locator('.node').count(), await whole.page.locator('.node').count());
  });
});
