// A big session in the graph webview, as the host sends it: the packed snapshot carries what the graph and
// timeline draw (no prompt, no attribute); stepping reaches the far end of the session, the step there is
// drawn as the current one, the inspector shows its prompt asked for on demand, and the timeline's rows far
// from the first ones get their names from a window asked for on demand, and follow the cursor.
import * as assert from 'node:assert/strict';
import { buildSession, type AgentSession } from '../../src/core/agent';
import { syntheticSession } from '../unit/agent/synthetic';
import { openGraph, type GraphHarness } from './graphPage';

const SPANS = 20_000;

/** The text of an LLM step's first input message. */
function promptOf(session: AgentSession, step: number): string {
  const part = session.steps[step].inputMessages?.[0]?.parts[0];
  if (part?.type !== 'text') throw new Error(`step ${step} has no text prompt`);
  return part.text;
}

describe('webview: trace graph on a big session, details on demand (built bundle in headless Chromium)', function () {
  this.timeout(180_000);
  const session = buildSession(syntheticSession(SPANS));
  const t = session.timeline;
  // The last LLM call: its start event, far from the first steps.
  let lastLlmStart = -1;
  for (let i = t.length - 1; i >= 0 && lastLlmStart < 0; i--) {
    const s = session.steps[t.step[i]];
    if (t.type[i] === 'start' && s.kind === 'llm' && !s.aggregate) lastLlmStart = i;
  }
  const lastLlm = t.step[lastLlmStart];
  const lastId = session.steps[lastLlm].id;
  let g: GraphHarness | undefined;

  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('the snapshot carries rows to draw, not prompts or attributes; a far LLM call is stepped to, drawn current, its prompt fetched when inspected', async () => {
    g = await openGraph({ session });
    const { page } = g;
    await page.locator('.node').first().waitFor({ timeout: 60_000 });
    const prompt = promptOf(session, lastLlm);
    assert.ok(!g.snapshotJson.includes(prompt), 'no prompt in the snapshot');
    assert.ok(!g.snapshotJson.includes('gen_ai.'), 'no attribute in the snapshot');
    assert.ok(g.snapshotBytes < 100 * SPANS, `${g.snapshotBytes} bytes for ${SPANS} spans`);

    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    await page.keyboard.press('p'); // the previous LLM call from the last event
    assert.equal(Number(await page.locator('#scrubber').inputValue()), lastLlmStart);
    // Drawn as the current node (the graph opened the path to it), and said so to assistive technology.
    const current = page.locator(`.node.current[data-key="${lastId}"]`);
    await current.waitFor();
    assert.equal(await current.getAttribute('aria-current'), 'step');
    assert.equal(await page.locator('.node.current').count(), 1);
    // The inspector asked for that step at that cursor, and shows its prompt.
    await page.locator(`#inspector[data-step-id="${lastId}"][data-cursor="${lastLlmStart}"]`).waitFor();
    assert.ok(g.toHost.some((m) => m.type === 'requestStep' && m.id === lastId && m.cursor === lastLlmStart), 'requestStep for the far step');
    assert.match(await page.locator('#insp-conversation').innerText(), new RegExp(prompt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    // Next / previous tool and back / forward keep working from there.
    await page.keyboard.press('T');
    const toolCursor = Number(await page.locator('#scrubber').inputValue());
    assert.ok(toolCursor < lastLlmStart && t.type[toolCursor] === 'start' && session.steps[t.step[toolCursor]].kind === 'tool', 'previous tool call');
    await page.keyboard.press('ArrowRight');
    assert.equal(Number(await page.locator('#scrubber').inputValue()), toolCursor + 1);
  });

  it('the timeline tab: stepping to a far step scrolls to its row, named from a window asked for on demand', async () => {
    g = await openGraph({ session });
    const { page } = g;
    await page.locator('.node').first().waitFor({ timeout: 60_000 });
    await page.locator('vscode-tab-header[data-tab=timeline]').click();
    await page.locator('.wf-row').first().waitFor();
    // Keys from the page, not the tab header (which keeps Home / End for itself).
    await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur(): void } | null } }).document.activeElement?.blur());
    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    await page.keyboard.press('p');
    const row = page.locator('.wf-row.current');
    await row.waitFor();
    // The row's title names the span (a summary field), once its window arrived.
    const name = session.steps[lastLlm].name;
    await page.waitForFunction((n) => (globalThis as unknown as { document: { querySelector(s: string): { title: string } | null } }).document.querySelector('.wf-row.current')?.title.includes(n), name);
    const windows = g.toHost.filter((m) => m.type === 'requestWindow');
    assert.ok(windows.some((m) => m.type === 'requestWindow' && m.from <= lastLlm && lastLlm < m.to && m.from > 0), 'a window far from the first rows');
    assert.ok(windows.every((m) => m.type === 'requestWindow' && m.to - m.from <= 500));
    assert.ok((await page.locator('.wf-row').count()) < 200, 'rows drawn stay bounded');

    // The host reveals the first step (as the editor or a breakpoint does): the timeline scrolls back to it.
    await g.send({ type: 'revealStep', id: session.steps[0].id, seek: 'start' });
    await page.locator('.wf-row.current[data-pos="0"]').waitFor();
  });
});
