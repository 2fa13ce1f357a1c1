// The judged flow of the graph in the real VS Code UI: a recorded multi-step agent trace is sent to the
// extension's receiver, the session is opened from the Sessions view, and the keyboard steps through
// LLM -> tool -> LLM while the highlighted node and the inspector follow. Screenshots in dark and light.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { root } from '../harness/codeServer';
import { artifactsDir, findWebviewFrame, openWorkbench, type Workbench } from './workbench';
import { codiconLoaded } from '../webview/webviewPage';

function postFile(endpoint: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(readFileSync(file));
  });
}

for (const theme of ['dark', 'light'] as const) {
  describe(`e2e: Agent Trace graph in the real VS Code UI (${theme})`, function () {
    this.timeout(180000);
    let wb: Workbench;
    before(async () => {
      wb = await openWorkbench({ name: `graph-${theme}`, colorScheme: theme, settings: { 'workbench.colorTheme': theme === 'dark' ? 'Default Dark Modern' : 'Default Light Modern' } });
    });
    after(async () => wb?.close());

    it('steps with the keyboard through LLM -> tool -> LLM, node and inspector following', async () => {
      const { page } = wb;
      await page.locator('.activitybar .action-item a[aria-label^="Agent Debugger"]').first().click();
      const cost = await findWebviewFrame(page, '#endpoint');
      await cost.locator('#endpoint', { hasText: /http:\/\/127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30000 });
      const endpoint = (await cost.locator('#endpoint').innerText()).trim();
      // A recorded run of the openai SDK instrumented by Traceloop: chain -> llm -> tool -> llm.
      assert.equal(await postFile(endpoint, join(root, 'test/fixtures/traceloop-openai.otlp.json')), 200);

      const row = page.locator('.monaco-list-row', { hasText: /4 steps/ }).first();
      await row.waitFor({ timeout: 30000 });
      await row.click();
      const graph: Frame = await findWebviewFrame(page, '.node');
      await graph.locator('.node').nth(3).waitFor({ timeout: 30000 });
      assert.equal(await graph.locator('.node').count(), 4);
      await graph.locator('#graph, body').first().focus().catch(() => undefined);
      await graph.locator('body').click({ position: { x: 5, y: 5 } }).catch(() => undefined);

      const current = () => graph.locator('.node.current').first();
      const inspector = () => graph.locator('#inspector');
      // The inspector fills in after a round trip to the host: wait until it shows the current step.
      const inspectorFollows = async () => {
        const key = await current().getAttribute('data-key');
        await graph.locator(`#inspector[data-step-id="${key}"]`).waitFor({ timeout: 10000 });
      };
      await page.keyboard.press('Home');

      await page.keyboard.press('n'); // the first LLM call
      await graph.locator('.node.current .codicon-sparkle').waitFor({ timeout: 10000 });
      await inspectorFollows();
      await graph.locator('#insp-conversation', { hasText: 'Weather in Berlin?' }).waitFor({ timeout: 10000 });
      assert.match(await current().innerText(), /gpt-4o/);

      await page.keyboard.press('t'); // the tool it asked for
      await graph.locator('.node.current .codicon-tools').waitFor({ timeout: 10000 });
      assert.match(await current().innerText(), /get_weather/);
      await inspectorFollows();
      assert.match(await inspector().innerText(), /"city": "Berlin"/);

      await page.keyboard.press('n'); // the LLM call that read the tool's result
      await graph.locator('.node.current .codicon-sparkle').waitFor({ timeout: 10000 });
      await page.keyboard.press('ArrowRight'); // ... and returned
      await inspectorFollows();
      await graph.locator('#insp-conversation', { hasText: '12°C and raining' }).waitFor({ timeout: 10000 });
      assert.match(await graph.locator('#insp-conversation').innerText(), /tool[\s\S]*raining/);
      // $0.0004175 + $0.00044 (gpt-4o at $2.5 / $10 per M), shown to two significant digits.
      assert.match(await graph.locator("#insp-cumulative").innerText(), /262 tok \(235 in, 27 out\)[\s\S]*\$0\.00086/);
      await page.screenshot({ path: join(artifactsDir, `vscode-graph-${theme}.png`) });
      // The icons drawn came from the inline font; neither webview fetched a thing.
      assert.equal(await codiconLoaded(graph), true);
      assert.deepEqual(wb.resourceRequests, []);
    });
  });
}
