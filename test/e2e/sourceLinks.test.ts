// Spans <-> source through the real UI: two example agents (Python with GenAI semconv, TypeScript on the
// AI SDK) run against the extension's receiver; clicking each kind of step in the graph brings its tool,
// prompt or agent definition up beside the graph at the right line, and the CodeLens shows the numbers.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { withAgentEnv } from '../../src/core/launch/agentEnv';
import { root } from '../harness/codeServer';
import { artifactsDir, findWebviewFrame, openWorkbench, type Workbench } from './workbench';

function run(command: string, args: string[], endpoint: string, sessionId: string): Promise<number | null> {
  const env = withAgentEnv(process.env, { httpEndpoint: endpoint, sessionId, serviceName: sessionId });
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: root, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', resolve);
  });
}

/** The editor group showing `file`: its active line number (the cursor's line, focused or not). */
async function activeLineOf(page: Page, file: string): Promise<string> {
  const group = page.locator('.part.editor .editor-group-container', { has: page.locator(`.tab.active[aria-label^="${file}"]`) }).first();
  await group.waitFor({ timeout: 15000 });
  const active = group.locator('.monaco-editor .line-numbers.active-line-number').first();
  await active.waitFor({ timeout: 15000 });
  return (await active.innerText()).trim();
}

describe('e2e: steps -> source lines in the real VS Code UI', function () {
  this.timeout(240000);
  let wb: Workbench;
  let endpoint: string;
  before(async () => {
    wb = await openWorkbench({ name: 'sources' });
    await wb.page.locator('.activitybar .action-item a[aria-label^="Agent Debugger"]').first().click();
    const cost = await findWebviewFrame(wb.page, '#endpoint');
    await cost.locator('#endpoint', { hasText: /http:\/\/127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30000 });
    endpoint = (await cost.locator('#endpoint').innerText()).trim();
  });
  after(async () => wb?.close());

  async function openSession(spans: RegExp): Promise<Frame> {
    const row = wb.page.locator('.monaco-list-row', { hasText: spans }).first();
    await row.waitFor({ timeout: 30000 });
    await row.click();
    const graph = await findWebviewFrame(wb.page, '.node');
    await graph.locator('.node').first().waitFor({ timeout: 30000 });
    return graph;
  }

  async function clickStep(graph: Frame, text: RegExp, file: string, line: number): Promise<void> {
    await graph.locator('.node', { hasText: text }).first().click();
    await wb.page.waitForFunction(() => true); // let the host round trip start
    const deadline = Date.now() + 20000;
    let seen = '';
    while (Date.now() < deadline) {
      seen = await activeLineOf(wb.page, file).catch(() => '');
      if (seen === String(line)) return;
      await wb.page.waitForTimeout(250);
    }
    assert.fail(`clicking ${text} should show ${file}:${line}, saw line '${seen}'`);
  }

  it('Python agent: agent, LLM, tool, tool named by its decorator and a failing tool each open at their line', async () => {
    assert.equal(await run('python3', ['examples/travel-agent-py/agent.py'], endpoint, 'travel-py'), 0);
    const graph = await openSession(/6 steps/);
    await clickStep(graph, /get_weather/, 'tools.py', 15);
    await clickStep(graph, /find_museums/, 'tools.py', 22);
    await clickStep(graph, /convert_currency/, 'tools.py', 30);
    await clickStep(graph, /gpt-4o-mini/, 'planner.txt', 1);
    await clickStep(graph, /TravelPlanner/, 'planner.py', 12);
    // The lens above the failing tool carries the session's numbers.
    await clickStep(graph, /convert_currency/, 'tools.py', 30);
    // The current step's line carries the debugger-like arrow in the gutter (shipped in the VSIX).
    await wb.page.waitForFunction("[...document.querySelectorAll('.part.editor .cgmr')].some((e) => getComputedStyle(e).backgroundImage.includes('current-step.svg'))", undefined, { timeout: 15000 });
    await wb.page.locator('.monaco-editor .codelens-decoration', { hasText: /convert_currency · 1 call · 1 error · p50 \d+ ms/ }).first().waitFor({ timeout: 20000 });
    // The inspector says where the step's code is and how that was found; its button takes the focus there.
    await graph.locator('#inspector', { hasText: /travel-agent-py\/tools\.py:30 — stack trace, 80%/ }).waitFor({ timeout: 15000 });
    await clickStep(graph, /TravelPlanner/, 'planner.py', 12);
    await graph.locator('#inspector', { hasText: /planner\.py:12 — agent definition/ }).waitFor({ timeout: 15000 });
    await graph.locator('#insp-open-source').click();
    await wb.page.locator('.statusbar-item', { hasText: /Ln 12, Col 1/ }).first().waitFor({ timeout: 15000 });
    await wb.page.screenshot({ path: join(artifactsDir, 'vscode-source-links.png') });
  });

  it('TypeScript agent (AI SDK): the tool opens in tools.ts, the LLM call at its prompt template', async () => {
    assert.equal(await run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'examples/weather-agent/agent.ts', 'Weather in Lisbon?'], endpoint, 'weather-ts'), 0);
    const graph = await openSession(/4 steps/);
    await clickStep(graph, /getWeather/, 'tools.ts', 20);
    await clickStep(graph, /gpt-4o-mini/, 'system.md', 1);
  });
});
