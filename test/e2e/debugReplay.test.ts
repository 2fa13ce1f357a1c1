// The judged debugger flow in the real VS Code UI: F5-style launch of the Node example agent through the
// `agent` debug type (its trace graph opens), then "Replay Session in Debugger" and the debug toolbar:
// Step Into / Step Over / Step Back move the editor to the step's source line (agent.mjs -> tools.mjs ->
// agent.mjs), as the status bar's cursor position shows. The run's Sessions row bears the launch
// configuration's name and loses "live" within seconds of the process exiting; during the replay one
// editor, beside the graph, shows the step's source.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifactsDir, findWebviewFrame, openWorkbench, runCommand, type Workbench } from './workbench';

async function cursorAt(page: Page, file: string, line: number): Promise<void> {
  await page.locator('.tabs-container .tab.active', { hasText: file }).first().waitFor({ timeout: 20000 });
  await page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col \\d+`) }).first().waitFor({ timeout: 20000 });
}

/** Editor groups, and the groups whose active tab is `file`: the graph and one editor beside it. */
async function oneEditorOn(page: Page, file: string): Promise<void> {
  await page.waitForTimeout(500);
  const groups = page.locator('.editor-group-container');
  const showing = groups.filter({ has: page.locator('.tabs-container .tab.active', { hasText: file }) });
  assert.equal(await showing.count(), 1, `one editor group shows ${file}`);
  assert.equal(await groups.count(), 2, 'the graph and one editor beside it');
}

async function toolbar(page: Page, icon: string): Promise<void> {
  await page.locator(`.debug-toolbar .action-label.codicon-${icon}`).first().click();
}

describe('e2e: agent launch and replay debugger in the real VS Code UI', function () {
  this.timeout(240000);
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench({ name: 'debug-replay' });
  });
  after(async () => wb?.close());

  it('runs the Node agent with tracing, then steps its replay with the debug toolbar, editor on the right lines', async () => {
    const { page } = wb;
    await page.locator('.activitybar .action-item a[aria-label^="Agent Debugger"]').first().waitFor({ timeout: 60000 });
    await runCommand(page, 'Debug: Select and Start Debugging');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Node agent (agent launch)' }).first();
    await pick.waitFor({ timeout: 15000 });
    await pick.click();

    // The run's graph opens by itself once its spans arrive.
    const graph = await findWebviewFrame(page, '.node', 60000);
    await graph.locator('.node').nth(4).waitFor({ timeout: 30000 });
    // Its Sessions row bears the launch configuration's name, live while the agent runs.
    await page.locator('.activitybar .action-item a[aria-label^="Agent Debugger"]').first().click();
    const row = page.locator('.monaco-list-row', { hasText: 'Node agent (agent launch)' }).first();
    await row.waitFor({ timeout: 20000 });
    // The run ends (the debug toolbar goes away ~1.5 s after the process exited): the row loses "live" soon after.
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30000 });
    const endedAt = Date.now();
    await page.waitForFunction((el) => !/● live/.test(el?.textContent ?? ''), await row.elementHandle(), { timeout: 8000, polling: 100 });
    console.log(`      the Sessions row lost "live" ${Date.now() - endedAt} ms after the run ended`);
    // So does the graph panel's title.
    const titled = await findWebviewFrame(page, '#session-title', 10000);
    await titled.waitForFunction((el) => !/· live$/.test(el?.textContent ?? '· live'), await titled.locator('#session-title').elementHandle(), { timeout: 8000, polling: 100 });
    console.log(`      the graph title lost "live" ${Date.now() - endedAt} ms after the run ended`);
    await page.locator('.activitybar .action-item a[aria-label^="Run and Debug"]').first().click();
    await runCommand(page, 'Agent Debugger: Replay Session in Debugger');
    await page.locator('.debug-toolbar .codicon-debug-step-back').first().waitFor({ timeout: 30000 });
    await cursorAt(page, 'agent.mjs', 80); // invoke_agent
    await oneEditorOn(page, 'agent.mjs');

    await toolbar(page, 'debug-step-into');
    await cursorAt(page, 'agent.mjs', 83); // the first chat call
    await toolbar(page, 'debug-step-over');
    await cursorAt(page, 'tools.mjs', 21); // get_weather, in its own file
    await oneEditorOn(page, 'tools.mjs');
    const callStack = page.locator('.debug-call-stack .monaco-list-row');
    await callStack.filter({ hasText: 'tool get_weather' }).first().waitFor({ timeout: 10000 });
    assert.ok(await callStack.filter({ hasText: 'agent invoke_agent weather-assistant' }).count() >= 1);
    // The Variables view shows the step's fields (what a person reads beside the call stack).
    await page.locator('.debug-variables .monaco-list-row', { hasText: 'get_weather' }).first().waitFor({ timeout: 10000 });
    await page.waitForTimeout(1200); // the debugger's changed-value flash fades (for the picture only)
    await page.screenshot({ path: join(artifactsDir, 'vscode-replay-debugger.png') });

    await toolbar(page, 'debug-step-back');
    await cursorAt(page, 'agent.mjs', 83);
    await oneEditorOn(page, 'agent.mjs');
    await toolbar(page, 'debug-step-out');
    await cursorAt(page, 'agent.mjs', 80);
    await toolbar(page, 'debug-stop');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15000 });
  });
});
