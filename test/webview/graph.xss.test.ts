// Every string that comes from a span (names, models, prompts, replies, tool names, args, results, error
// messages, event names, attribute keys and values) is rendered as text: >= 50 XSS payloads stay inert
// under an open CSP (so an injection would run) and under the host's strict one.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { buildSession } from '../../src/core/agent';
import type { SpanInput } from '../../src/core/agent/types';
import { spanInput } from '../unit/agent/synthetic';
import { openGraph, type GraphHarness } from './graphPage';
import { xssPayloads } from './graphXssPayloads';

const T0 = 1_767_225_600_000;

function xssSession(): SpanInput[] {
  const out: SpanInput[] = [];
  const root = 'f'.repeat(16);
  const end = T0 + xssPayloads.length * 10 + 10;
  out.push(spanInput({ spanId: root, name: `invoke_agent ${xssPayloads[0]}`, startMs: T0, endMs: end, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': xssPayloads[1] } }));
  xssPayloads.forEach((p, i) => {
    const t = T0 + 1 + i * 10;
    const id = (k: number) => (i * 2 + k + 1).toString(16).padStart(16, '0');
    out.push(spanInput({
      spanId: id(0), parentSpanId: root, name: p, startMs: t, endMs: t + 4,
      attrs: {
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': p, 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5,
        'gen_ai.input.messages': JSON.stringify([{ role: 'system', parts: [{ type: 'text', content: p }] }, { role: p, parts: [{ type: 'text', content: p }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: p }, { type: 'tool_call', id: `c${i}`, name: p, arguments: { q: p } }] }]),
        [p]: p,
      },
      events: [{ name: p, timeMs: t + 1 }],
    }));
    out.push(spanInput({
      spanId: id(1), parentSpanId: root, name: `execute_tool ${p}`, startMs: t + 5, endMs: t + 9,
      attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': p, 'gen_ai.tool.call.id': `c${i}`, 'gen_ai.tool.call.arguments': JSON.stringify({ q: p }), 'gen_ai.tool.call.result': p, [`key ${p}`]: { [p]: [p] } },
      status: i % 5 === 0 ? { code: 2, message: p } : undefined,
      events: i % 5 === 0 ? [{ name: 'exception', timeMs: t + 8, attrs: { 'exception.message': p, 'exception.stacktrace': `Error: ${p}\n    at ${p}` } }] : [],
    }));
  });
  return out;
}

/** Anything an injection would leave behind. */
async function damage(page: Page): Promise<{ xss: unknown; injected: string[]; handlers: string[]; violations: string[] }> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { __xss?: unknown; __violations: string[]; document: { querySelectorAll(s: string): ArrayLike<{ tagName: string; attributes: ArrayLike<{ name: string }>; className?: unknown }> } };
    const all = Array.from(w.document.querySelectorAll('body *'));
    const allowed = new Set(['DIV', 'SPAN', 'P', 'H2', 'H4', 'PRE', 'DL', 'DT', 'DD', 'UL', 'LI', 'TABLE', 'TBODY', 'TR', 'TH', 'TD', 'HEADER', 'ASIDE', 'BUTTON', 'CANVAS', 'INPUT', 'SCRIPT',
      'svg', 'defs', 'marker', 'path', 'g', 'title', 'VSCODE-BUTTON', 'VSCODE-TABS', 'VSCODE-TAB-HEADER', 'VSCODE-TAB-PANEL', 'VSCODE-COLLAPSIBLE', 'VSCODE-SINGLE-SELECT', 'VSCODE-OPTION']);
    const injected = all.filter((e) => !allowed.has(e.tagName)).map((e) => e.tagName);
    const handlers = all.flatMap((e) => Array.from(e.attributes).map((a) => a.name)).filter((n) => n.startsWith('on'));
    return { xss: w.__xss, injected, handlers, violations: w.__violations.slice() };
  });
}

describe('webview: trace graph renders span data as text (XSS corpus)', function () {
  this.timeout(240_000);
  const inputs = xssSession();
  const session = buildSession(inputs);
  let g: GraphHarness | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it(`has >= 50 payloads`, () => assert.ok(xssPayloads.length >= 50));

  for (const csp of ['open', 'strict'] as const) {
    it(`${xssPayloads.length} payloads in prompts, replies, tool names/args/results, errors, events and attribute keys stay inert (${csp} CSP)`, async () => {
      g = await openGraph({ session, raw: inputs, csp, info: { id: 'xss', name: xssPayloads[2] } });
      const { page } = g;
      await page.locator('.node').first().waitFor();
      assert.match(await page.locator('#session-title').innerText(), /^<svg onload="window.__xss=3"> · 121 steps/);
      // Every step through the inspector (revealed in the graph), the graph nodes and the timeline rows.
      for (const [i, step] of session.steps.entries()) {
        if (csp === 'strict' && i % 7 !== 0) continue;
        await g.send({ type: 'revealStep', id: step.id, seek: 'end' });
        await page.locator(`#inspector[data-step-id="${step.id}"]`).waitFor();
        const shown = await page.locator('#inspector').innerText();
        const p = xssPayloads[Math.max(0, Math.floor((i - 1) / 2))];
        if (i > 0) assert.ok(shown.includes(p.trim()), `step ${i}: payload shown as text`);
      }
      await page.locator('vscode-tab-header[data-tab=timeline]').click();
      await page.locator('.wf-row').nth(10).waitFor();
      await page.locator('.wf-scroll').evaluate((el) => ((el as unknown as { scrollTop: number }).scrollTop = 100_000));
      await page.waitForTimeout(300);
      const d = await damage(page);
      assert.equal(d.xss, undefined, 'no payload ran');
      assert.deepEqual(d.injected, [], 'no element was injected');
      assert.deepEqual(d.handlers, [], 'no inline handler attribute exists');
      assert.deepEqual(d.violations, [], 'nothing even tried to run');
      const nodeTitles = await page.locator('.node .title').allInnerTexts();
      assert.ok(nodeTitles.some((t) => t.includes('<')), 'payload labels are drawn as text');
    });
  }
});
