// Find in a trace (Ctrl/Cmd+F) and buttons without a target, in the graph webview (the fake host answers with
// core/search, as the extension does) and in the HTML report (which searches its inlined data).
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { StepSearch } from '../../src/core/search/stepSearch';
import { root } from '../harness/codeServer';
import { loadFixture } from './graphFixtures';
import { openGraph } from './graphPage';
import { openReport } from './reportPage';

const shots = join(root, 'test-results', 'screenshots');
const cursorOf = async (page: Page) => Number(await page.locator('#scrubber').inputValue());
const currentKey = (page: Page) => page.locator('.node.current').getAttribute('data-key');

/** Ctrl+F, type, and wait for the count. */
async function find(page: Page, query: string): Promise<string> {
  await page.keyboard.press('Control+f');
  await page.locator('#search-input').waitFor();
  assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'search-input');
  await page.keyboard.type(query);
  await page.locator('#search-count').filter({ hasText: /of|No results|match/ }).waitFor();
  return page.locator('#search-count').innerText();
}

describe('webview: find in a trace, and buttons without a target', function () {
  this.timeout(90_000);
  const vercel = loadFixture('vercel-ai-agent');
  const ids = vercel.session.steps.map((s) => s.id);
  const t = vercel.session.timeline;

  it('Ctrl+F finds steps by tool args, prompt text and attribute values; "n of N"; Enter / Shift+Enter step; matches marked', async () => {
    const g = await openGraph({ session: vercel.session, raw: vercel.inputs });
    const { page } = g;
    try {
      await page.locator('.node').nth(6).waitFor();
      // "Tokyo" is in the prompt, in one tool call's args and result, and in the replies that read them.
      const expected = new StepSearch(vercel.session.steps, vercel.inputs).find('tokyo').ids;
      assert.ok(expected.includes(ids[3]) && !expected.includes(ids[2]), 'the Tokyo tool call matches, the Paris one does not');
      const inOrder = [...expected].sort((a, b) => t.startAt[ids.indexOf(a)] - t.startAt[ids.indexOf(b)]);
      assert.equal(await find(page, 'Tokyo'), `1 of ${expected.length}`);
      // The cursor was at the end: the first match (in time) is the next one, wrapping around.
      assert.equal(await currentKey(page), inOrder[0]);
      assert.equal(await page.locator('.node.match').count(), expected.length);
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('#search-count').innerText(), `2 of ${expected.length}`);
      assert.equal(await currentKey(page), inOrder[1]);
      assert.equal(await cursorOf(page), t.endAt[ids.indexOf(inOrder[1])]);
      await page.keyboard.press('Shift+Enter');
      assert.equal(await page.locator('#search-count').innerText(), `1 of ${expected.length}`);
      assert.equal(await currentKey(page), inOrder[0]);
      await page.screenshot({ path: join(shots, 'graph-search.png') });

      // An attribute's value (the provider's), and nothing.
      const provider = new StepSearch(vercel.session.steps, vercel.inputs).find('openai.chat').total;
      assert.ok(provider > 0 && provider < ids.length);
      await page.locator('#search-input').fill('openai.chat');
      await page.locator('#search-count', { hasText: new RegExp(` of ${provider}$`) }).waitFor();
      await page.locator('#search-input').fill('no such text anywhere');
      await page.locator('#search-count', { hasText: 'No results' }).waitFor();
      assert.equal(await page.locator('.node.match').count(), 0);

      // Matches are marked in the waterfall too; Esc closes the bar and clears the marks.
      await page.locator('#search-input').fill('getWeather');
      await page.locator('#search-count', { hasText: /of/ }).waitFor();
      await page.locator('vscode-tab-header[data-tab=timeline]').click();
      await page.locator('.wf-row.match').first().waitFor();
      assert.equal(await page.locator('.wf-row.match').count(), new StepSearch(vercel.session.steps, vercel.inputs).find('getWeather').total);
      await page.locator('#search-input').focus();
      await page.keyboard.press('Escape');
      await page.locator('#search-bar').waitFor({ state: 'hidden' });
      assert.equal(await page.locator('.wf-row.match').count(), 0);
    } finally {
      await g.close();
    }
  });

  it('buttons without a target are disabled (dimmed, announced); their keys say why they do nothing', async () => {
    const g = await openGraph({ session: vercel.session, raw: vercel.inputs });
    const { page } = g;
    try {
      await page.locator('.node').nth(6).waitFor();
      const disabled = async () => (await page.locator('.toolbar vscode-button[aria-disabled="true"]').evaluateAll((els) => els.map((e) => e.id))).sort();
      // At the last event, in a session without errors.
      assert.deepEqual(await disabled(), ['tb-forward', 'tb-last', 'tb-next-error', 'tb-next-llm', 'tb-next-tool', 'tb-prev-error'].sort());
      assert.equal(await page.locator('#tb-next-tool').evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(e).opacity), '0.4');
      assert.equal(await page.locator('#tb-prev-tool').evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(e).opacity), '1');
      const before = await cursorOf(page);
      await page.keyboard.press('t');
      await page.locator('#position', { hasText: 'no later tool call' }).waitFor();
      await page.keyboard.press('e');
      await page.locator('#position', { hasText: 'no errors in this session' }).waitFor();
      await page.locator('#tb-next-llm').click({ force: true }); // a person can still click it
      await page.locator('#position', { hasText: 'no later LLM call' }).waitFor();
      assert.equal(await cursorOf(page), before, 'nothing moved');
      // The status line comes back.
      await page.locator('#position', { hasText: /^event / }).waitFor({ timeout: 5000 });
      await page.keyboard.press('Home');
      assert.deepEqual(await disabled(), ['tb-back', 'tb-first', 'tb-next-error', 'tb-prev-error', 'tb-prev-llm', 'tb-prev-tool'].sort());
    } finally {
      await g.close();
    }
  });

  it('the HTML report finds and steps through matches from its inlined data', async () => {
    const r = await openReport(vercel);
    try {
      const count = await find(r.page, 'Tokyo');
      const [, k, n] = (/^(\d+) of (\d+)$/.exec(count) ?? []).map(Number);
      assert.ok(n >= 3, count);
      const first = await currentKey(r.page);
      await r.page.keyboard.press('Enter');
      assert.equal(await r.page.locator('#search-count').innerText(), `${(k % n) + 1} of ${n}`);
      assert.notEqual(await currentKey(r.page), first);
      assert.ok((await r.page.locator('.node.match').count()) >= 3);
      assert.deepEqual([...r.attempted, ...r.errors], []);
    } finally {
      await r.close();
    }
  });
});
