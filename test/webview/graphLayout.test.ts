// The graph panel as a person sees it at the widths VS Code gives it: ~600 px (the source editor opened
// beside) and ~1400 px. Clicking a step makes it the cursor's step, drawn as current; the inspector's
// conversation is on screen and tall enough to read; no node lies under the minimap or the legend.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildSession } from '../../src/core/agent';
import { root } from '../harness/codeServer';
import { syntheticSession } from '../unit/agent/synthetic';
import { loadFixture } from './graphFixtures';
import { openGraph } from './graphPage';
import { openReport } from './reportPage';
import { inspectorView, nodeLooks, nodeOverlap, visibleUnderMinimap } from './visualChecks';

const shots = join(root, 'test-results', 'screenshots');

/** Clicks step `id`'s node and checks what the graph and the inspector then show. */
export async function clickAndCheck(page: Page, id: string, expectCursor: number): Promise<void> {
  await page.locator(`.node[data-key="${id}"]`).click();
  await page.locator(`#inspector[data-step-id="${id}"][data-cursor="${expectCursor}"]`).waitFor();
  assert.equal(Number(await page.locator('#scrubber').inputValue()), expectCursor, 'the cursor moved to the clicked step');
  const looks = await nodeLooks(page);
  const current = looks.filter((l) => l.current);
  assert.deepEqual(current.map((l) => l.key), [id], 'the clicked node is the one drawn as current');
  assert.equal(current[0].outline, 'solid 3px');
  assert.equal(current[0].opacity, '1', 'not faded like a future step');
  for (const l of looks.filter((x) => !x.current)) assert.notEqual(l.outline, 'solid 3px', `${l.key} looks current too`);
  const view = await inspectorView(page);
  assert.ok(view.inspectorHeight >= 200, `the inspector is ${view.inspectorHeight} px high`);
  assert.ok(view.sectionVisible >= Math.min(200, view.sectionHeight - 1), `the conversation shows ${view.sectionVisible} of ${view.sectionHeight} px`);
  assert.ok(view.onTop, 'nothing is drawn over the conversation');
}

describe('webview: the graph panel at ~600 and ~1400 px (layout, click to select, overlays)', function () {
  this.timeout(90_000);
  const vercel = loadFixture('vercel-ai-agent');
  const ids = vercel.session.steps.map((s) => s.id);
  const t = vercel.session.timeline;
  mkdirSync(shots, { recursive: true });

  for (const width of [600, 1400]) {
    for (const theme of ['dark', 'light'] as const) {
      it(`graph webview ${width} px, ${theme}: click -> current + inspector on screen, nothing under overlays`, async () => {
        const g = await openGraph({ session: vercel.session, raw: vercel.inputs, theme, viewport: { width, height: 800 } });
        try {
          await g.page.locator('.node').nth(6).waitFor();
          const o = await nodeOverlap(g.page);
          assert.deepEqual([...o.under, ...o.outside], [], 'every node fits and none is under the minimap or legend');
          await clickAndCheck(g.page, ids[1], t.endAt[1]);
          await g.page.screenshot({ path: join(shots, `graph-${width}-${theme}.png`) });
        } finally {
          await g.close();
        }
      });
    }
    it(`HTML report ${width} px: click -> current + inspector on screen, nothing under overlays`, async () => {
      const r = await openReport(vercel, { viewport: { width, height: 800 } });
      try {
        await r.page.locator('.node').nth(6).waitFor();
        const o = await nodeOverlap(r.page);
        assert.deepEqual([...o.under, ...o.outside], [], 'every node fits and none is under the minimap or legend');
        await clickAndCheck(r.page, ids[1], t.endAt[1]);
        assert.deepEqual([...r.attempted, ...r.errors], []);
        await r.page.screenshot({ path: join(shots, `report-${width}.png`) });
      } finally {
        await r.close();
      }
    });
  }

  it('fits the graph again when the panel narrows, unless the person zoomed', async () => {
    const g = await openGraph({ session: vercel.session, raw: vercel.inputs, viewport: { width: 1400, height: 800 } });
    const transform = () => g.page.locator('.nodes').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    try {
      await g.page.locator('.node').nth(6).waitFor();
      await g.page.setViewportSize({ width: 600, height: 800 }); // the editor opened beside
      await g.page.waitForTimeout(300);
      const o = await nodeOverlap(g.page);
      assert.equal(o.nodes, 7);
      assert.deepEqual([...o.outside, ...o.under], [], 'every node is in view after the resize');
      await g.page.locator('#tb-zoom-in').click();
      await g.page.waitForTimeout(300);
      const zoomed = await transform();
      await g.page.setViewportSize({ width: 900, height: 800 });
      await g.page.waitForTimeout(300);
      assert.equal(await transform(), zoomed, 'a zoom the person chose is kept');
      await g.page.keyboard.press('0'); // fit: resizes fit again from now on
      await g.page.waitForTimeout(300);
      await g.page.setViewportSize({ width: 600, height: 800 });
      await g.page.waitForTimeout(300);
      assert.deepEqual((await nodeOverlap(g.page)).outside, []);
    } finally {
      await g.close();
    }
  });

  it('a graph larger than the view: the minimap is shown, no node is ever under it while panning, and clicking it pans', async () => {
    const g = await openGraph({ session: buildSession(syntheticSession(400)), viewport: { width: 1400, height: 800 } });
    const transform = () => g.page.locator('.nodes').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    try {
      await g.page.locator('.node').first().waitFor();
      for (let i = 0; i < 4; i++) await g.page.locator('#tb-zoom-in').click(); // larger than the view whatever the fit
      await g.page.locator('canvas.minimap:not([hidden])').waitFor();
      const canvas = (await g.page.locator('.graph-canvas').boundingBox())!;
      const cx = canvas.x + canvas.width / 2;
      const cy = canvas.y + canvas.height / 2;
      for (const [dx, dy] of [[-300, -200], [300, 200], [-400, 150], [250, -250], [0, 300]]) {
        await g.page.mouse.move(cx, cy);
        await g.page.mouse.down();
        await g.page.mouse.move(cx + dx, cy + dy, { steps: 5 });
        await g.page.mouse.up();
        await g.page.waitForTimeout(100);
        const o = await visibleUnderMinimap(g.page);
        assert.ok(o.nodes > 0 && o.shown, `minimap shown with ${o.nodes} nodes drawn after panning by ${dx},${dy}`);
        assert.deepEqual(o.under, [], `no drawn node under the minimap after panning by ${dx},${dy}`);
        assert.equal(o.canvasMeetsMap, false, 'the canvas does not reach under the minimap');
      }
      const map = (await g.page.locator('canvas.minimap').boundingBox())!;
      const before = await transform();
      await g.page.mouse.click(map.x + 8, map.y + 8);
      await g.page.waitForTimeout(100);
      const afterTopLeft = await transform();
      assert.notEqual(afterTopLeft, before, 'clicking the minimap moves the view');
      await g.page.mouse.click(map.x + map.width - 8, map.y + map.height - 8);
      await g.page.waitForTimeout(100);
      assert.notEqual(await transform(), afterTopLeft, 'clicking another corner moves it again');
      assert.deepEqual((await visibleUnderMinimap(g.page)).under, []);
    } finally {
      await g.close();
    }
  });
});
