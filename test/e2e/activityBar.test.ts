import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../harness/codeServer';
import { artifactsDir, extensionHostLog, findWebviewFrame, openWorkbench, type Workbench } from './workbench';
import { codiconLoaded } from '../webview/webviewPage';

describe('e2e: the installed VSIX in the real VS Code UI', function () {
  this.timeout(180000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ name: 'activity-bar' });
  });
  after(async () => wb?.close());

  it('shows the Agent Debugger entry in the activity bar and opens its Sessions and Cost views', async () => {
    const { page } = wb;
    const entry = page.locator('.activitybar .action-item a[aria-label^="Agent Debugger"]').first();
    await entry.waitFor({ timeout: 60000 });
    await entry.click();
    // The sessions tree is empty on a fresh machine: its welcome text says what will appear there.
    const welcome = page.locator('.welcome-view-content', { hasText: 'No agent sessions yet' });
    await welcome.waitFor({ timeout: 30000 });
    assert.match(await welcome.innerText(), /OTEL_EXPORTER_OTLP_ENDPOINT/);

    // The Cost view's webview: its empty state names the live receiver endpoint.
    const cost = await findWebviewFrame(page, '#endpoint');
    await cost.locator('#endpoint', { hasText: /http:\/\/127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30000 });
    const endpoint = (await cost.locator('#endpoint').innerText()).trim();

    // The status bar shows the same receiver.
    const status = page.locator('.statusbar-item', { hasText: /OTLP 127\.0\.0\.1:\d+ · \d+ spans/ }).first();
    await status.waitFor({ timeout: 30000 });
    const port = endpoint.split(':').pop();
    assert.match(await status.innerText(), new RegExp(`127\\.0\\.0\\.1:${port}`));
    await page.screenshot({ path: join(artifactsDir, 'activity-bar.png') });

    // A real agent run: the session appears in the tree and the counts follow, live.
    execFileSync(process.execPath, [join(root, 'examples/hello-otlp/agent.mjs')], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'hello-agent' },
    });
    // Named after its agent (gen_ai.agent.name 'weather'), which comes before the service name.
    const row = page.locator('.monaco-list-row', { hasText: /^weather\b/ }).first();
    await row.waitFor({ timeout: 30000 });
    await page.locator('.statusbar-item', { hasText: /OTLP 127\.0\.0\.1:\d+ · 3 spans/ }).first().waitFor({ timeout: 30000 });
    await cost.locator('#span-count', { hasText: '3' }).waitFor({ timeout: 30000 });
    assert.match(await row.innerText(), /3 steps/);
    await page.screenshot({ path: join(artifactsDir, 'session-arrived.png') });
    // Its styles and icons are inline: the webview fetched nothing through VS Code's webview service worker.
    assert.equal(await codiconLoaded(cost), true);
    assert.deepEqual(wb.resourceRequests, []);
  });

  it('activated without errors in the extension host log', () => {
    const log = extensionHostLog(wb.dirs);
    assert.match(log, /agent-debugger/i, 'the extension host log mentions the extension');
    const errors = log.split('\n').filter((l) => /\[error\]/i.test(l) && /agent-debugger/i.test(l));
    assert.deepEqual(errors, []);
  });
});
