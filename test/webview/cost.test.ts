// The Cost view's bundle in headless Chromium: empty state, a recorded session's report, an unpriced
// model, live updates that keep sorting and focus, keyboard use, budgets, and inert untrusted strings.
// Reports are built by the same core code the host uses (src/core/cost) from recorded fixtures.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { normaliseSession, spanInputsFromRequests, type AgentStep } from '../../src/core/agent';
import { compareRuns, costReport, costStepsOf, reportDto } from '../../src/core/cost';
import { findSafety, safetySection } from '../../src/core/safety';
import { parseOtlpText } from '../../src/core/sessionFiles';
import type { CostSnapshotDto, CostToHost, CostToWebview } from '../../src/protocol/cost';
import { spanInput } from '../unit/agent/synthetic';
import { codiconAtReady, openWebview, type WebviewPage } from './webviewPage';

const root = path.resolve(__dirname, '../../..');
const receiver = { httpEndpoint: 'http://127.0.0.1:4318', spans: 12, sessions: 1 };
const T = 1_767_225_600_000;

function fixture(name: string): AgentStep[] {
  const { traces, logs } = parseOtlpText(readFileSync(path.join(root, 'test/fixtures', `${name}.otlp.json`), 'utf8'));
  return normaliseSession(spanInputsFromRequests(traces, logs));
}

const chat = (i: number, model: string, input: number, output = 10) =>
  spanInput({ startMs: T + i * 100, endMs: T + i * 100 + 50, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output } });

function snapshot(steps: AgentStep[], opts: { id?: string; name?: string; budget?: number; live?: boolean } = {}): CostToWebview {
  const id = opts.id ?? 'run-1';
  // As the engine sends it: rows and findings with counts, their step ids kept back.
  const report = reportDto(costReport({ session: { id, name: opts.name ?? 'travel run', live: opts.live ?? false }, steps, budget: { settingUsd: opts.budget } }));
  const s: CostSnapshotDto = { receiver, sessions: [{ id, name: opts.name ?? 'travel run', live: false }], followLatest: true, report, comparison: [] };
  return { type: 'snapshot', snapshot: s };
}

describe('webview: Cost view (built bundle in headless Chromium)', function () {
  this.timeout(120000);
  let view: WebviewPage;
  beforeEach(async () => {
    view = await openWebview('cost');
  });
  afterEach(async () => view.close());
  const text = (sel: string) => view.page.locator(sel).innerText();
  const posted = async (n: number) => {
    await view.page.waitForFunction((k) => (globalThis as unknown as { __posted: unknown[] }).__posted.length >= k, n);
    return view.posted();
  };

  it('says ready first, and posts nothing else before the host answers', async () => {
    await view.page.locator('h2', { hasText: 'Cost of your agent runs' }).waitFor();
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
    assert.equal(await codiconAtReady(view.page), true, 'the codicon font was loaded before ready');
  });

  it('empty state: the receiver endpoint with a copy button, F5 with an agent config explained, counts', async () => {
    await view.send({ type: 'snapshot', snapshot: { receiver: { ...receiver, spans: 12345, sessions: 0 }, sessions: [], followLatest: true, comparison: [] } } satisfies CostToWebview);
    await view.page.locator('#endpoint', { hasText: 'http://127.0.0.1:4318' }).waitFor();
    assert.equal(await text('#span-count'), '12,345');
    assert.match(await text('#how-f5'), /F5 with an agent launch configuration in \.vscode\/launch\.json \("type": "agent"\)/);
    assert.match(await text('#how-otlp'), /OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:4318/);
    assert.equal(await view.page.locator('#copy-endpoint').getAttribute('aria-label'), 'Copy OTLP endpoint');
    await view.page.locator('#copy-endpoint').focus();
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await posted(2), [{ type: 'ready' }, { type: 'copyEndpoint' }]);
  });

  it('empty state with the receiver stopped offers to start it', async () => {
    await view.send({ type: 'snapshot', snapshot: { receiver: { spans: 0, sessions: 0 }, sessions: [], followLatest: true, comparison: [] } } satisfies CostToWebview);
    await view.page.locator('#start-receiver').click();
    assert.deepEqual(await posted(2), [{ type: 'ready' }, { type: 'startReceiver' }]);
  });

  it('a recorded session: totals, breakdowns, findings, top steps and chart; a row click selects its steps', async () => {
    const steps = fixture('genai-semconv');
    await view.send(snapshot(steps));
    await view.page.locator('#total-cost').waitFor();
    assert.equal(await text('#total-cost'), '$0.0104');
    assert.equal(await view.page.locator('#total-cost .money').getAttribute('title'), '$0.01041');
    assert.deepEqual(await Promise.all(['#total-input', '#total-output', '#total-cached', '#total-reasoning', '#total-llm', '#total-tools', '#total-errors'].map(text)),
      ['5,700', '300', '4,400', '50', '4', '3', '1']);
    assert.equal(await view.page.locator('#unpriced').count(), 0);
    assert.match(await text('#by-model-table tbody'), /claude-sonnet-4-5\s+4\s+6,000\s+\$0\.0104/);
    assert.match(await text('#by-tool-table tbody'), /search_flights\s+3\s+4,720\s+\$0\.0076/);
    assert.match(await text('#by-kind-table tbody'), /llm\s+4\s+6,000\s+\$0\.0104[\s\S]*tool\s+3/);
    assert.match(await text('#findings'), /search_flights was called 3 times with the same arguments/);
    assert.equal(await view.page.locator('#top-table tbody tr').count(), 4);
    assert.match(await text('#top-table tbody tr:first-child'), /\$0\.0030/);
    assert.equal(await view.page.locator('#chart circle.marker').count(), 4);
    assert.match((await view.page.locator('#chart').getAttribute('aria-label')) ?? '', /Cumulative cost: \$0\.0104/);

    assert.match(await text('#findings'), /Show 3 steps/);
    await view.page.locator('#by-tool-table tbody tr').first().click();
    const [, show] = await posted(2) as [unknown, Extract<CostToHost, { type: 'showCostSteps' }>];
    assert.deepEqual(show, { type: 'showCostSteps', sessionId: 'run-1', ref: { breakdown: 'tool', key: 'search_flights' }, label: show.label });
    assert.match(show.label, /Tool search_flights · 3 calls \+ 3 LLM calls/);
    // The engine answers the reference from the report it keeps.
    const full = costReport({ session: { id: 'run-1', name: 'travel run', live: false }, steps });
    assert.deepEqual(costStepsOf(full, show.ref, steps), steps.slice(2, 8).map((s) => s.id));
    await view.page.locator('#findings vscode-button').first().click();
    const [, , loop] = await posted(3) as Extract<CostToHost, { type: 'showCostSteps' }>[];
    assert.deepEqual(loop.ref, { finding: 'repeated-tool-call', firstStepId: steps[2].id });
    assert.deepEqual(costStepsOf(full, loop.ref, steps), [steps[2].id, steps[4].id, steps[6].id]);
  });

  it('a session with an unpriced model: the note names it and says how to add a price; its $ is never shown as $0', async () => {
    const steps = normaliseSession([chat(0, 'gpt-4o', 1000, 100), chat(1, 'my-local-llama', 5000, 200), chat(2, 'my-local-llama', 6000, 200)]);
    await view.send(snapshot(steps));
    await view.page.locator('#unpriced').waitFor();
    assert.match(await text('#unpriced'), /No price for my-local-llama \(2 calls\): their tokens are counted, their cost is not in the total\. Add a price in agentDebugger\.pricing\.models, e\.g\. \{ "my-local-llama": \{ "input": 1, "output": 4 \} \}/);
    assert.equal(await text('#total-cost'), '$0.0035+'); // gpt-4o: 1000 * 2.5 + 100 * 10 = 3500 / 1e6
    assert.match(await text('#by-model-table tbody tr:first-child'), /gpt-4o/);
    assert.match(await text('#by-model-table tbody'), /my-local-llama\s+2\s+11\.4k\s+no price/);
    await view.page.locator('#open-pricing').click();
    assert.deepEqual((await posted(2))[1], { type: 'openSettings', setting: 'pricing' });
  });

  it('an exceeded budget shows as an alert with the figures; under budget is a plain meter', async () => {
    const steps = fixture('genai-semconv');
    await view.send(snapshot(steps, { budget: 0.005 }));
    await view.page.locator('#budget[data-state="exceeded"]').waitFor();
    assert.match(await text('#budget-text'), /Over budget: \$0\.0104 of \$0\.0050 \(208%\)/);
    assert.equal(await view.page.locator('#budget-text[role="alert"]').count(), 1);
    await view.send(snapshot(steps, { budget: 1 }));
    await view.page.locator('#budget[data-state="ok"]').waitFor();
    assert.match(await text('#budget-text'), /\$0\.0104 of \$1\.00 budget \(1%\)/);
  });

  it('live updates keep the sort order, the chart metric and the focused row', async () => {
    const growing = (n: number) => normaliseSession([chat(0, 'gpt-4o', 1000), chat(1, 'gpt-4o-mini', 90000), ...Array.from({ length: n }, (_, i) => chat(2 + i, 'claude-3-5-haiku', 100))]);
    await view.send(snapshot(growing(1), { live: true }));
    await view.page.locator('#by-model-table').waitFor();
    const names = async () => view.page.locator('#by-model-table tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(await names(), ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku']); // by $ first
    // Sort by calls with the keyboard: Tab to the header button, Enter.
    await view.page.locator('#by-model-table button[data-sort="calls"]').focus();
    await view.page.keyboard.press('Enter');
    assert.equal(await view.page.locator('#by-model-table th[aria-sort="descending"]').innerText(), 'Calls');
    await view.page.locator('#metric-tokens').click();
    // Focus a row, then let the session grow twice: claude now has the most calls.
    await view.page.locator('#by-model-table tbody tr', { hasText: 'gpt-4o-mini' }).focus();
    await view.send(snapshot(growing(3), { live: true }));
    await view.send(snapshot(growing(5), { live: true }));
    await view.page.locator('#total-llm', { hasText: '7' }).waitFor();
    assert.deepEqual(await names(), ['claude-3-5-haiku', 'gpt-4o-mini', 'gpt-4o']);
    assert.equal(await view.page.locator('#by-model-table th[aria-sort="descending"]').innerText(), 'Calls');
    assert.equal(await view.page.locator('#metric-tokens').getAttribute('aria-pressed'), 'true');
    assert.equal(await view.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { dataset: { key?: string } } } }).document.activeElement.dataset.key), 'gpt-4o-mini');
    assert.match(await text('#live'), /live/);
    // Ascending on a second press (ties by $); the name column sorts A-Z first.
    await view.page.locator('#by-model-table button[data-sort="calls"]').click();
    assert.deepEqual(await names(), ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku']);
    await view.page.locator('#by-model-table button[data-sort="name"]').click();
    assert.deepEqual(await names(), ['claude-3-5-haiku', 'gpt-4o', 'gpt-4o-mini']);
  });

  it('keyboard: rows are one tab stop, arrows move, Enter and Space select the steps', async () => {
    const steps = fixture('genai-semconv');
    await view.send(snapshot(steps));
    const rows = view.page.locator('#top-table tbody tr');
    await rows.first().waitFor();
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => (e as unknown as { tabIndex: number }).tabIndex)), [0, -1, -1, -1]);
    await rows.first().focus();
    await view.page.keyboard.press('ArrowDown');
    await view.page.keyboard.press('ArrowDown');
    await view.page.keyboard.press('Enter');
    await view.page.keyboard.press('End');
    await view.page.keyboard.press(' ');
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => (e as unknown as { tabIndex: number }).tabIndex)), [-1, -1, -1, 0]);
    const [, third, last] = await posted(3) as { stepIds: string[] }[];
    assert.deepEqual(third.stepIds, [steps[5].id]); // #6: $0.0024, third most expensive
    assert.deepEqual(last.stepIds, [steps[3].id]); // #4: $0.00225
  });

  it('session picker and the run comparison post the session to show', async () => {
    const a = fixture('genai-semconv');
    const s = snapshot(a) as { type: 'snapshot'; snapshot: CostSnapshotDto };
    s.snapshot.sessions.push({ id: 'run-0', name: 'earlier run', live: false });
    s.snapshot.comparison = compareRuns([
      { id: 'run-1', name: 'travel run', serviceName: 'planner', startEpochMs: 2, totals: s.snapshot.report!.totals },
      { id: 'run-0', name: 'earlier run', serviceName: 'planner', startEpochMs: 1, totals: { ...s.snapshot.report!.totals, costUsd: 0.02 } },
    ], 'run-1');
    await view.send(s);
    await view.page.locator('#runs-table').waitFor();
    assert.match(await text('#runs-table tbody tr.current'), /travel run\s+\$0\.0104\s+-\$0\.0096/);
    await view.page.locator('#runs-table tbody tr', { hasText: 'earlier run' }).click();
    await view.page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { getElementById(id: string): { value: string; dispatchEvent(e: unknown): void } } }).document;
      const select = doc.getElementById('session-picker');
      select.value = 'run-0';
      select.dispatchEvent(new Event('change'));
    });
    const [, row, pick] = await posted(3);
    assert.deepEqual([row, pick], [{ type: 'pickSession', sessionId: 'run-0' }, { type: 'pickSession', sessionId: 'run-0' }]);
  });

  it('a session too large to model: why, on the session picked, with the picker to go to another; no "start a run" guide', async () => {
    await view.page.setViewportSize({ width: 300, height: 800 });
    const notice = 'Session "long run" (1,400,000 spans) is too large to model in the trace engine\'s memory: building it took the heap to 2458 MB of its 4144 MB. Its spans stay in the store: export it as OTLP JSON or SQLite, and read it with `agent-debugger steps` in a process given more memory (NODE_OPTIONS=--max-old-space-size=MB).';
    const sessions = [{ id: 'long', name: 'long run', live: true }, { id: 'short', name: 'short run', live: false }];
    await view.send({ type: 'snapshot', snapshot: { receiver: { ...receiver, spans: 1_400_010, sessions: 2 }, sessions, followLatest: false, comparison: [], notice, unmodelled: 'long' } } satisfies CostToWebview);
    const shown = view.page.locator('#unmodelled[data-session="long"] p.notice');
    await shown.waitFor();
    assert.equal(await shown.innerText(), notice);
    const box = await shown.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 300, JSON.stringify(box));
    assert.equal(await view.page.locator('#session-picker').evaluate((e) => (e as unknown as { value: string }).value), 'long');
    assert.equal(await view.page.locator('#how-f5').count(), 0, 'no guide to start a first run');
    assert.equal(await text('#span-count'), '1,400,010');
    await view.page.screenshot({ path: path.join(root, 'test-results/cost-unmodelled.png') });
    await view.page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { getElementById(id: string): { value: string; dispatchEvent(e: unknown): void } } }).document;
      const select = doc.getElementById('session-picker');
      select.value = 'short';
      select.dispatchEvent(new Event('change'));
    });
    const [, pick] = await posted(2);
    assert.deepEqual(pick, { type: 'pickSession', sessionId: 'short' });
  });

  it('fits a narrow side bar: no figure is cut (screenshot test-results/cost-view.png)', async () => {
    await view.page.setViewportSize({ width: 300, height: 1400 });
    const steps = normaliseSession([chat(0, 'gpt-4o', 123456, 4567), chat(1, 'a-very-long-model-name-that-must-ellipsize', 5000, 200), chat(2, 'gpt-4o', 98765, 4321)]);
    await view.send(snapshot(steps, { budget: 0.5 }));
    await view.page.locator('#by-model-table').waitFor();
    const cut = await view.page.locator('table.rows td.num').evaluateAll((els) => els.filter((e) => (e as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth > (e as unknown as { clientWidth: number }).clientWidth).length);
    assert.equal(cut, 0);
    mkdirSync(path.join(root, 'test-results'), { recursive: true });
    await view.page.screenshot({ path: path.join(root, 'test-results/cost-view.png'), fullPage: true });
  });

  it('renders untrusted strings as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const steps = normaliseSession([chat(0, evil, 100), spanInput({ startMs: T + 500, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': evil } })]);
    const s = snapshot(steps, { name: evil }) as { type: 'snapshot'; snapshot: CostSnapshotDto };
    s.snapshot.receiver.httpEndpoint = evil;
    await view.send(s);
    await view.page.locator('#unpriced', { hasText: evil }).waitFor();
    assert.match(await text('#by-tool-table'), /<img src=x/);
    assert.equal(await view.page.locator('img').count(), 0);
    assert.equal(await view.page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('a long run\'s findings: the 50 with the most $ listed, the count of the rest said and readable in a narrow and a wide panel, dark and light (screenshots test-results/cost-findings-*.png)', async () => {
    // 60 tools, each called three times with the same arguments: 60 loops, tool_k's repeats costing 2k m$.
    const inputs = Array.from({ length: 180 }, (_, i) => spanInput({ startMs: T + i * 10, endMs: T + i * 10 + 5, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': `tool_${i % 60}`, 'gen_ai.tool.call.arguments': '{"q":1}', 'gen_ai.usage.cost': (i % 60) / 1000 } }));
    const s = snapshot(normaliseSession(inputs)) as { type: 'snapshot'; snapshot: CostSnapshotDto };
    assert.deepEqual([s.snapshot.report!.findings.length, s.snapshot.report!.moreFindings], [50, 10]);
    mkdirSync(path.join(root, 'test-results'), { recursive: true });
    for (const theme of ['dark', 'light'] as const) {
      const page = theme === 'dark' ? view : await openWebview('cost', { theme });
      try {
        for (const width of [300, 1200]) {
          await page.page.setViewportSize({ width, height: 900 });
          await page.send(s);
          const more = page.page.locator('#findings-more');
          await more.waitFor();
          assert.equal(await page.page.locator('#findings-h').textContent(), 'Findings (60)');
          const listed = await page.page.locator('#findings li .finding-text').allInnerTexts();
          assert.equal(listed.length, 50);
          // The costliest first; the ten cheapest (tool_0 .. tool_9) are the ones left out.
          assert.match(listed[0]!, /^tool_59 was called 3 times/);
          assert.deepEqual(listed.filter((t) => /^tool_\d /.test(t)), []);
          assert.equal(await more.innerText(), '10 more with less $ not listed.');
          // On screen when scrolled to, whole within the panel's width, tall enough to read, in a colour of its own.
          await more.scrollIntoViewIfNeeded();
          const box = (await more.boundingBox())!;
          assert.ok(box.x >= 0 && box.x + box.width <= width && box.y >= 0 && box.y + box.height <= 900 && box.height >= 12, `${theme} ${width}: ${JSON.stringify(box)}`);
          const [color, background] = await more.evaluate((e) => {
            const w = globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string }; document: { body: unknown } };
            return [w.getComputedStyle(e).color, w.getComputedStyle(w.document.body).backgroundColor];
          });
          assert.notEqual(color, background, `${theme}: the note's colour`);
          await page.page.screenshot({ path: path.join(root, `test-results/cost-findings-${theme}-${width}.png`) });
        }
      } finally {
        if (page !== view) await page.close();
      }
    }
  });

  it('Safety findings: counts by kind, each finding masked, "Show path" selects the taint path in the graph', async () => {
    const steps = fixture('safety/poisoned-agent');
    const s = snapshot(steps, { name: 'poisoned' }) as { type: 'snapshot'; snapshot: CostSnapshotDto };
    s.snapshot.safety = safetySection(findSafety(steps));
    await view.send(s);
    await view.page.locator('#safety-counts').waitFor();
    assert.equal(await view.page.locator('#safety-h').textContent(), 'Safety findings (4)');
    const counts = await view.page.locator('#safety-counts [data-kind]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}=${e.querySelector('strong')?.textContent}`));
    assert.deepEqual(counts, ['injection=2', 'taint=1', 'secret=0', 'pii=1', 'policy=0']);
    assert.match(await text('#safety'), /text from `fetch_page` \(step 3\) reached `send_email\.to` \(step 5\): path 3 -> 4 -> 5/);
    assert.ok(!(await view.page.content()).includes('offers-desk@mailbox-relay.net'), 'the address is masked');
    await view.page.locator('#safety vscode-button', { hasText: 'Show path (3 steps)' }).click();
    const [, show] = await posted(2);
    assert.deepEqual(show, { type: 'showSteps', sessionId: 'run-1', stepIds: s.snapshot.safety.findings.find((f) => f.kind === 'taint')!.stepIds, label: s.snapshot.safety.findings.find((f) => f.kind === 'taint')!.message });
    // A session without findings says so.
    const clean = snapshot(fixture('genai-semconv')) as { type: 'snapshot'; snapshot: CostSnapshotDto };
    clean.snapshot.safety = safetySection(findSafety(fixture('genai-semconv')));
    await view.send(clean);
    await view.page.locator('#safety-none').waitFor();
  });
});
