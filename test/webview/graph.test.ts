// The trace graph bundle in headless Chromium, fed by the same DTOs the host sends (GraphFeed on a
// recorded fixture): rendering, time-travel keys, the inspector at each step, live deltas, reloads,
// keyboard access and light/dark screenshots.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildSession } from '../../src/core/agent';
import { packedJson } from '../../src/protocol/graphPacking';
import type { GraphToWebview } from '../../src/protocol/graph';
import { formatUsd } from '../../webview/graph/viewModel';
import { root } from '../harness/codeServer';
import { loadFixture } from './graphFixtures';
import { openGraph, type GraphHarness } from './graphPage';
import { codiconAtReady } from './webviewPage';

const results = join(root, 'test-results');

const cursorOf = async (page: Page) => Number(await page.locator('#scrubber').inputValue());
const currentKey = (page: Page) => page.locator('.node.current').getAttribute('data-key');
const inspectorAt = (page: Page, id: string, cursor: number) => page.locator(`#inspector[data-step-id="${id}"][data-cursor="${cursor}"]`).waitFor();
const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('webview: trace graph (built bundle in headless Chromium)', function () {
  this.timeout(60_000);
  const vercel = loadFixture('vercel-ai-agent');
  const ids = vercel.session.steps.map((s) => s.id);
  const t = vercel.session.timeline;
  let g: GraphHarness | undefined;

  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('says ready first, then draws every step with its kind, badges and all three edge kinds', async () => {
    g = await openGraph({ session: vercel.session, raw: vercel.inputs });
    const { page } = g;
    await page.locator('.node').nth(6).waitFor();
    assert.deepEqual(g.toHost[0], { type: 'ready' });
    assert.equal(await codiconAtReady(page), true, 'the codicon font was loaded before ready');
    assert.equal(await page.locator('.node').count(), 7);
    // The full name on hover; on the node, cut in the middle so the model's date stays.
    const names = await page.locator('.node').evaluateAll((els) => els.map((e) => (e as unknown as { title: string }).title));
    assert.deepEqual(names.sort(), ['advice (agent)', 'getWeather (tool)', 'getWeather (tool)', 'gpt-4o-mini-2024-07-18 (llm)', 'gpt-4o-mini-2024-07-18 (llm)', 'gpt-4o-mini-2024-07-18 (llm)', 'weather-agent (agent)']);
    const titles = await page.locator('.node .title').allInnerTexts();
    assert.deepEqual(titles.sort(), ['advice', 'getWeather', 'getWeather', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18', 'weather-agent']);
    // Too long for the node: the head is cut, the date stays in view.
    const tail = page.locator(`.node[data-key="${ids[1]}"] .t-tail`);
    assert.equal(await tail.textContent(), '07-18');
    const [nodeBox, tailBox] = [await page.locator(`.node[data-key="${ids[1]}"]`).boundingBox(), await tail.boundingBox()];
    assert.ok(nodeBox && tailBox && tailBox.x + tailBox.width <= nodeBox.x + nodeBox.width, 'the tail is inside the node');
    assert.equal(await page.locator(`.node[data-key="${ids[1]}"] .t-head`).evaluate((e) => (e as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth > (e as unknown as { clientWidth: number }).clientWidth), true, 'the head is cut');
    for (const kind of ['contains', 'next', 'dataflow']) assert.ok((await page.locator(`svg.edges path.edge.${kind}`).count()) > 0, `${kind} edges`);
    assert.equal(await page.locator('svg.edges path.edge.dataflow').count(), 4);
    const llm = page.locator(`.node[data-key="${ids[1]}"]`);
    assert.equal(await llm.locator('.codicon-sparkle').count(), 1);
    assert.match(await llm.innerText(), /150 tok[\s\S]*\$0\.000036/);
    assert.match((await llm.getAttribute('aria-label')) ?? '', /^llm gpt-4o-mini-2024-07-18, finished, 1\.4 ms, 150 tok, \$0\.000036$/);
    assert.equal(await page.locator(`.node[data-key="${ids[2]}"] .codicon-tools`).count(), 1);
    assert.match(await text(page, '#session-title'), /7 steps · 3 LLM calls · 2 tool calls/);
    assert.equal(await page.locator('canvas.minimap').count(), 1);
  });

  it('steps with the keyboard through LLM -> tool -> LLM: highlighted node and inspector at each step', async () => {
    g = await openGraph({ session: vercel.session, raw: vercel.inputs });
    const { page } = g;
    await page.locator('.node').first().waitFor();
    await page.keyboard.press('Home');
    assert.equal(await cursorOf(page), 0);

    await page.keyboard.press('n'); // first LLM call starts
    assert.equal(await cursorOf(page), t.startAt[1]);
    assert.equal(await currentKey(page), ids[1]);
    assert.equal(await page.locator('.node.current').getAttribute('aria-current'), 'step');
    await inspectorAt(page, ids[1], t.startAt[1]);
    let conv = await text(page, '#insp-conversation');
    assert.match(conv, /no reply yet at the cursor/);
    assert.match(conv, /system[\s\S]*concise weather assistant[\s\S]*user[\s\S]*What is the weather in Paris and in Tokyo\?/);
    assert.doesNotMatch(conv, /calls getWeather/);
    assert.match(await text(page, '#insp-cumulative'), /0 tok \(0 in, 0 out\)[\s\S]*\$0/);

    await page.keyboard.press('ArrowRight'); // ... and returns, asking for two tools
    assert.equal(await cursorOf(page), t.endAt[1]);
    await inspectorAt(page, ids[1], t.endAt[1]);
    conv = await text(page, '#insp-conversation');
    assert.match(conv, /with its reply[\s\S]*→ calls getWeather \(call_paris\)[\s\S]*"city": "Paris"[\s\S]*→ calls getWeather \(call_tokyo\)/);
    assert.match(await text(page, '#insp-cumulative'), /150 tok \(120 in, 30 out\)[\s\S]*\$0\.000036/);

    await page.keyboard.press('t'); // the Paris tool call starts
    assert.equal(await cursorOf(page), t.startAt[2]);
    assert.equal(await currentKey(page), ids[2]);
    assert.equal(await page.locator('.node.current').getAttribute('data-phase'), 'running');
    assert.equal(await page.locator(`.node[data-key="${ids[1]}"]`).getAttribute('data-phase'), 'done');
    assert.equal(await page.locator(`.node[data-key="${ids[4]}"]`).getAttribute('data-phase'), 'pending');
    await inspectorAt(page, ids[2], t.startAt[2]);
    assert.match(await text(page, '#insp-tool-args'), /"city": "Paris"/);
    assert.equal(await text(page, '#insp-tool-result'), '(not returned yet at the cursor)');
    assert.match(await text(page, '#insp-conversation'), /As the latest LLM call \(gpt-4o-mini-2024-07-18\) saw it, with its reply/);

    await page.keyboard.press('ArrowRight'); // the Tokyo call starts in parallel
    assert.equal(await currentKey(page), ids[3]);
    await page.keyboard.press('ArrowRight'); // Tokyo returns first
    await page.keyboard.press('ArrowRight'); // then Paris
    assert.equal(await cursorOf(page), t.endAt[2]);
    assert.equal(await currentKey(page), ids[2]);
    await inspectorAt(page, ids[2], t.endAt[2]);
    assert.match(await text(page, '#insp-tool-result'), /"tempC": 18[\s\S]*"condition": "cloudy"/);

    await page.keyboard.press('n'); // the second LLM call sees both tool results
    assert.equal(await cursorOf(page), t.startAt[4]);
    assert.equal(await currentKey(page), ids[4]);
    await inspectorAt(page, ids[4], t.startAt[4]);
    conv = await text(page, '#insp-conversation');
    assert.match(conv, /no reply yet[\s\S]*← result of getWeather \(call_paris\)[\s\S]*"tempC": 18[\s\S]*← result of getWeather \(call_tokyo\)[\s\S]*"tempC": 24/);
    assert.doesNotMatch(conv, /Paris is cloudy/);
    assert.match(await text(page, '#insp-cumulative'), /150 tok/);
    // Input is the total with its cached part, as the CLI prints it; the price says where it came from.
    assert.match(await text(page, '#insp-usage'), /Input\s*210 \(100 cache read\)[\s\S]*Price from\s*price database/);

    await page.keyboard.press('Shift+ArrowLeft'); // previous LLM call
    assert.equal(await cursorOf(page), t.startAt[1]);
    await page.keyboard.press('End');
    assert.equal(await cursorOf(page), t.length - 1);
    assert.match(await text(page, '#position'), new RegExp(`473 tok · \\${formatUsd(vercel.session.totals.costUsd)}$`));
    const selected = g.toHost.filter((m) => m.type === 'selectStep').map((m) => (m as { id: string }).id);
    for (const i of [1, 2, 4]) assert.ok(selected.includes(ids[i]), `selectStep ${i}`);
  });

  it('an error: "e" lands on the failed tool inside a folded loop; unfolding shows it failed', async () => {
    const genai = loadFixture('genai-semconv');
    g = await openGraph({ session: genai.session, raw: genai.inputs });
    const { page } = g;
    await page.locator('.node.type-fold').waitFor();
    assert.equal(await page.locator('.node').count(), 3);
    assert.match((await page.locator('.node.type-fold').getAttribute('title')) ?? '', /^claude-sonnet-4-5 → search_flights \(loop/);
    assert.match(await page.locator('.node.type-fold').innerText(), /claude-sonnet-4-5 → search_flights[\s\S]*×3/);
    assert.match(await text(page, '#findings'), /search_flights was called 3 times/);
    await page.keyboard.press('Home');
    await page.keyboard.press('e');
    const failed = genai.session.steps.findIndex((s) => s.status === 'error');
    assert.equal(await cursorOf(page), genai.session.timeline.endAt[failed]);
    assert.equal(await page.locator('.node.current').getAttribute('data-phase'), 'failed');
    assert.match((await page.locator('.node.current').getAttribute('class')) ?? '', /type-fold/);
    await inspectorAt(page, genai.session.steps[failed].id, genai.session.timeline.endAt[failed]);
    assert.match(await text(page, '#insp-error'), /flight search timed out after 30s/);
    await page.locator('.node.type-fold').dblclick();
    await page.keyboard.press('0'); // fit: the unfolded loop is taller than the view
    await page.locator('.node').nth(7).waitFor();
    assert.equal(await currentKey(page), genai.session.steps[failed].id);
    assert.equal(await page.locator('.node.current').getAttribute('data-phase'), 'failed');
  });

  it('a live delta adds steps without resetting zoom or selection', async () => {
    const partial = buildSession(vercel.inputs.filter((x) => x.span.name !== 'ai.streamText' && x.span.name !== 'ai.streamText.doStream'));
    g = await openGraph({ session: partial, info: { id: 'live', name: 'live', live: true }, raw: vercel.inputs });
    const { page } = g;
    await page.locator('.node').nth(4).waitFor();
    assert.equal(await page.locator('.node').count(), 5);
    await page.locator(`.node[data-key="${ids[2]}"]`).click();
    await inspectorAt(page, ids[2], await cursorOf(page));
    await page.locator('#tb-zoom-in').click();
    await page.waitForTimeout(300);
    const before = await page.locator('.nodes').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    await g.update(vercel.session);
    await page.locator('.node').nth(6).waitFor();
    await page.waitForTimeout(300); // a pan to the cursor's step animates
    const after = await page.locator('.nodes').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    // The zoom the person chose stays (the view may pan to keep the cursor's step on screen).
    assert.equal(/scale\([^)]*\)/.exec(after)?.[0], /scale\([^)]*\)/.exec(before)?.[0]);
    assert.equal(await page.locator('.node.selected').getAttribute('data-key'), ids[2]);
    assert.equal(g.toHost.filter((m) => m.type === 'ready').length, 1, 'no resync');
    // The click moved the cursor to the step's end: that event stays the cursor's in the grown timeline.
    assert.equal(await cursorOf(page), t.endAt[2], 'the cursor stays on the clicked step');

    // A delta on top of a version the webview does not have: it asks again (ready), the snapshot keeps the view.
    await page.keyboard.press('Home'); // the selection follows the cursor to the first step
    await page.waitForTimeout(300);
    const view = await page.locator('.nodes').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    const stale = g.feed.packedDelta(buildSession(vercel.inputs.slice(0, 2)))!;
    await g.send({ type: 'delta', delta: packedJson({ ...stale, baseVersion: 999 }) });
    await page.waitForTimeout(300);
    assert.equal(g.toHost.filter((m) => m.type === 'ready').length, 2, 'resync asked');
    assert.deepEqual(g.toHost.filter((m) => m.type === 'ready')[1], { type: 'ready', state: { sessionId: 'live', cursor: 0 } });
    assert.equal(await cursorOf(page), 0);
    assert.equal(await page.locator('.nodes').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform), view);
    assert.equal(await page.locator('.node.selected').getAttribute('data-key'), ids[0]);
  });

  it('the cursor, selection and collapse state survive a reload (webview state)', async () => {
    g = await openGraph({ session: vercel.session, raw: vercel.inputs });
    const { page } = g;
    await page.locator('.node').first().waitFor();
    for (const key of ['Home', 'n', 't']) await page.keyboard.press(key);
    await inspectorAt(page, ids[2], t.startAt[2]);
    await page.locator(`.node[data-key="${ids[5]}"]`).focus(); // collapse the second agent (keyboard: no selection change)
    await page.keyboard.press('-');
    await page.locator('.node').nth(6).waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    await page.reload();
    await page.locator('.node').first().waitFor();
    const readies = g.toHost.filter((m) => m.type === 'ready');
    assert.equal(readies.length, 2);
    assert.deepEqual(readies[1], { type: 'ready', state: { sessionId: 'session-1', cursor: t.startAt[2], selectedId: ids[2] } });
    assert.equal(await cursorOf(page), t.startAt[2]);
    assert.equal(await currentKey(page), ids[2]);
    assert.equal(await page.locator('.node.selected').getAttribute('data-key'), ids[2]);
    assert.equal(await page.locator('.node').count(), 6);
    await inspectorAt(page, ids[2], t.startAt[2]);
  });

  it('keyboard access: every control is reachable and labelled; buttons, nodes and the timeline work from the keyboard', async () => {
    g = await openGraph({ session: vercel.session, raw: vercel.inputs });
    const { page } = g;
    await page.locator('.node').first().waitFor();
    const buttons = page.locator('.toolbar vscode-button');
    assert.equal(await buttons.count(), 14);
    for (let i = 0; i < 14; i++) {
      const b = buttons.nth(i);
      assert.ok(((await b.getAttribute('aria-label')) ?? '').length > 4, `button ${i} has an aria label`);
      assert.equal(await b.getAttribute('tabindex'), '0');
    }
    for (const sel of ['#scrubber', '#speed', '.nodes[role=tree]', '.wf-scroll[role=listbox]', '#inspector', 'canvas.minimap']) assert.ok(await page.locator(sel).getAttribute('aria-label'), sel);
    assert.ok((await page.locator('.node').nth(0).getAttribute('aria-label'))?.length);

    // Tab walks through the toolbar, the scrubber, the graph (one roving node) and the inspector.
    const seen = new Set<string>();
    await page.locator('#tb-first').focus();
    for (let i = 0; i < 40; i++) {
      seen.add(await page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { id: string; tagName: string; getAttribute(n: string): string | null } } }).document.activeElement;
        return el.id || `${el.tagName.toLowerCase()}[${el.getAttribute('role') ?? ''}]`;
      }));
      await page.keyboard.press('Tab');
    }
    for (const id of ['tb-first', 'tb-play', 'tb-next-llm', 'tb-next-tool', 'tb-next-error', 'tb-zoom-fit', 'scrubber', 'div[treeitem]']) assert.ok(seen.has(id), `Tab reaches ${id}: ${[...seen].join(' ')}`);

    await page.keyboard.press('Home');
    await page.locator('#tb-next-llm').focus();
    await page.keyboard.press('Enter');
    assert.equal(await cursorOf(page), t.startAt[1]);
    await page.locator('#tb-next-tool').focus();
    await page.keyboard.press(' ');
    assert.equal(await cursorOf(page), t.startAt[2]);

    // Space plays (one event per 600 ms / speed) and pauses; the scrubber moves the cursor too.
    await page.locator('#scrubber').fill('0');
    assert.equal(await cursorOf(page), 0);
    await page.locator('#tb-first').focus();
    await page.keyboard.press('Tab'); // off the button: Space is the play key again
    await page.locator('.node').first().focus();
    await page.keyboard.press(' ');
    assert.equal(await page.locator('#tb-play').getAttribute('aria-pressed'), 'true');
    await page.waitForFunction(() => Number((globalThis as unknown as { document: { querySelector(s: string): { value: string } } }).document.querySelector('#scrubber').value) >= 2);
    await page.keyboard.press(' ');
    assert.equal(await page.locator('#tb-play').getAttribute('aria-pressed'), 'false');
    assert.match((await page.locator('#tb-play').getAttribute('aria-label')) ?? '', /^Play/);
    await page.locator('#scrubber').fill(String(t.startAt[2]));
    assert.equal(await currentKey(page), ids[2]);

    const agent = page.locator(`.node[data-key="${ids[0]}"]`);
    await agent.focus();
    await page.keyboard.press('-');
    await page.locator('.node').nth(3).waitFor({ state: 'detached' });
    assert.equal(await page.locator('.node').count(), 3);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-key')), ids[0]);
    await page.keyboard.press('+');
    await page.locator('.node').nth(6).waitFor();
    await page.keyboard.press('Enter'); // Enter on a node, like a click: the cursor moves to the step's end
    await inspectorAt(page, ids[0], t.endAt[0]);

    await page.locator('vscode-tab-header[data-tab=timeline]').click();
    await page.locator('.wf-row').first().waitFor();
    await page.locator('.wf-scroll').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await cursorOf(page), t.startAt[2]);
    assert.match((await page.locator('.wf-row[aria-selected="true"]').getAttribute('aria-label')) ?? '', /^tool getWeather, running, current step$/);
  });

  it('shows the host\'s empty message, and selects a step the host reveals', async () => {
    g = await openGraph({ session: vercel.session, raw: vercel.inputs });
    const { page } = g;
    await page.locator('.node').first().waitFor();
    await g.send({ type: 'revealStep', id: ids[3], seek: 'end' });
    await inspectorAt(page, ids[3], t.endAt[3]);
    assert.equal(await currentKey(page), ids[3]);
    await g.send({ type: 'empty', message: 'No session yet.' });
    await page.locator('#placeholder', { hasText: 'No session yet.' }).waitFor();
    assert.equal(await page.locator('#main-area').isHidden(), true);
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`a session too large to model, ${theme} theme: the whole reason reads in a narrow panel, wrapped, none of it off screen`, async () => {
      g = await openGraph({ session: vercel.session, raw: vercel.inputs, viewport: { width: 360, height: 640 }, theme });
      const { page } = g;
      await page.locator('.node').first().waitFor();
      // The engine's own text (core/modelBudget.ts), as the host posts it.
      const message = 'Session "bench-agent 2026-12-05 06:23:00" (30,720 spans) is too large to model in the trace engine\'s memory: building it took the heap to 73 MB of its 184 MB. Its spans stay in the store: export it as OTLP JSON or SQLite, and read it with `agent-debugger steps` in a process given more memory (NODE_OPTIONS=--max-old-space-size=MB).';
      await g.send({ type: 'empty', message });
      const placeholder = page.locator('#placeholder');
      await placeholder.waitFor();
      assert.equal(await placeholder.innerText(), message);
      const box = await placeholder.evaluate((e) => {
        type Rect = { top: number };
        const w = globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; createRange(): { selectNodeContents(n: unknown): void; getClientRects(): ArrayLike<Rect> } } };
        const r = e.getBoundingClientRect();
        // One client rect per line box of the text.
        const range = w.document.createRange();
        range.selectNodeContents(e);
        const lines = new Set(Array.from(range.getClientRects(), (l) => Math.round(l.top))).size;
        const doc = w.document.documentElement;
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, lines };
      });
      assert.ok(box.left >= 0 && box.right <= 360 && box.top >= 0 && box.bottom <= 640, JSON.stringify(box));
      assert.equal(box.scrollWidth, box.clientWidth, 'nothing scrolls sideways');
      assert.ok(box.lines >= 4, `wrapped over ${box.lines} lines`);
      // Nothing of the session shown before: no title, no controls stepping a graph that is not there.
      assert.equal(await text(page, '#session-title'), '');
      assert.equal(await page.locator('#main-area').isHidden(), true);
      assert.equal(await page.locator('.toolbar').isHidden(), true);
      mkdirSync(results, { recursive: true });
      // Its text stands out from the page it is on.
      const [fg, bg] = await placeholder.evaluate((e) => {
        const w = globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string }; document: { body: unknown } };
        return [w.getComputedStyle(e).color, w.getComputedStyle(w.document.body).backgroundColor];
      });
      const lum = (c: string) => c.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
      assert.ok(Math.abs(lum(fg) - lum(bg)) > 80, `text ${fg} on ${bg}`);
      await page.screenshot({ path: join(results, `graph-too-large-${theme}.png`) });
      // A session that fits, next: its graph and controls are back.
      await g.send(JSON.parse(g.snapshotJson) as GraphToWebview);
      await page.locator('.node').first().waitFor();
      assert.equal(await page.locator('.toolbar').isVisible(), true);
      assert.match(await text(page, '#session-title'), /· 7 steps ·/);
    });
  }

  for (const theme of ['dark', 'light', 'hc'] as const) {
    it(`screenshot, ${theme} theme (test-results/graph-${theme}.png)`, async () => {
      g = await openGraph({ session: vercel.session, raw: vercel.inputs, theme });
      const { page } = g;
      await page.locator('.node').first().waitFor();
      for (const key of ['Home', 'n', 'ArrowRight', 't']) await page.keyboard.press(key);
      await inspectorAt(page, ids[2], t.startAt[2]);
      await page.waitForTimeout(250);
      mkdirSync(results, { recursive: true });
      await page.screenshot({ path: join(results, `graph-${theme}.png`) });
      await page.locator('vscode-tab-header[data-tab=timeline]').click();
      await page.locator('.wf-row').nth(6).waitFor();
      await page.screenshot({ path: join(results, `graph-timeline-${theme}.png`) });
      const bg = await page.evaluate(() => {
        const g2 = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } };
        return g2.getComputedStyle(g2.document.body).backgroundColor;
      });
      assert.equal(bg, { dark: 'rgb(30, 30, 30)', light: 'rgb(255, 255, 255)', hc: 'rgb(0, 0, 0)' }[theme]);
    });
  }
});
