// `npm start` as a new user meets it: it says what it is doing from the first second, prints a short URL
// that lands in the workbench in the folder's own theme, writes nothing under $HOME (code-server's config, data and logs stay in
// .vscode-test/start), and no "application on port ..." pop-up appears
// for the receiver's ports.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { freePort, launchChromium, root } from '../harness/codeServer';
import { artifactsDir, runCommand } from './workbench';

describe('e2e: npm start', function () {
  this.timeout(240000);
  let child: ChildProcess | undefined;
  let browser: BrowserContext | undefined;
  const runDir = join(root, '.vscode-test/runs', `start-${Date.now()}`);
  const home = join(runDir, 'home');
  const folder = join(runDir, 'workspace');
  const profile = join(runDir, 'chromium');

  after(async () => {
    await browser?.close();
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(runDir, { recursive: true, force: true });
  });

  it('talks at once, prints a short URL into the workbench, keeps $HOME clean, uses the folder\'s theme, pops no port notice', async () => {
    // A folder like examples/ with a theme of its own in .vscode/settings.json.
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    cpSync(join(root, 'examples/node-agent'), join(folder, 'node-agent'), { recursive: true });
    writeFileSync(join(folder, '.vscode/settings.json'), JSON.stringify({ 'workbench.colorTheme': 'Solarized Dark' }));
    mkdirSync(home, { recursive: true });
    const port = await freePort();
    const spawnedAt = Date.now();
    // --browser: the code-server path, even on a machine that has the desktop `code`. HOME: a fresh one, to see what lands there.
    child = spawn(process.execPath, [join(root, 'test/harness/start.mjs'), '--browser', `--folder=${folder}`], {
      cwd: root, env: { ...process.env, HOME: home, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let firstOutputMs = -1;
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        if (firstOutputMs < 0) firstOutputMs = Date.now() - spawnedAt;
        out += chunk.toString();
        const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(out);
        if (m) resolve(m[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${out}`)));
    });
    const readyMs = Date.now() - spawnedAt;
    console.log(`      first output after ${firstOutputMs} ms, URL after ${readyMs} ms: ${url}`);
    assert.ok(firstOutputMs < 3000, `silent for ${firstOutputMs} ms`);
    assert.match(out, /compiling|checking code-server|starting VS Code/, 'it says what it is doing');
    assert.equal(url, `http://127.0.0.1:${port}/`, 'a short URL');

    browser = await launchChromium(profile, { colorScheme: 'light' });
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(url);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 });
    assert.match(page.url(), /\/\?folder=.*&payload=/, 'redirected into the workbench on the folder');
    const entry = page.locator('.activitybar .action-item a[aria-label^="Agent Debugger"]').first();
    await entry.waitFor({ timeout: 90000 });
    // The folder's own theme, from the first paint (the dev-mode workbench used to start in Light+).
    await page.locator('.monaco-workbench.vs-dark[class*="solarized-dark"]').waitFor({ timeout: 30000 });
    // Opening the view starts the receiver (its HTTP and gRPC ports listen in the extension host).
    await entry.click();
    await page.locator('.welcome-view-content', { hasText: 'No agent sessions yet' }).waitFor({ timeout: 30000 });
    await page.locator('.statusbar-item', { hasText: /OTLP 127\.0\.0\.1:\d+/ }).first().waitFor({ timeout: 30000 });
    // Port auto-forwarding would notice the new ports within a few seconds.
    await page.waitForTimeout(6000);
    const notices = await page.locator('.notifications-toasts .notification-list-item').allInnerTexts();
    assert.deepEqual(notices.filter((t) => /port \d+/i.test(t)), [], `no port notifications: ${JSON.stringify(notices)}`);
    assert.deepEqual(notices.filter((t) => /activating extension/i.test(t)), [], `the extension activated: ${JSON.stringify(notices)}`);
    // Activated for real: its command answers (the receiver's address, as the status bar shows it).
    await runCommand(page, 'Agent Debugger: Copy OTLP Endpoint');
    await page.locator('.notifications-toasts .notification-list-item', { hasText: /Copied http:\/\/127\.0\.0\.1:\d+/ }).first().waitFor({ timeout: 15000 });
    await page.screenshot({ path: join(artifactsDir, 'npm-start.png') });

    // Nothing under $HOME: code-server's config, data and logs went to .vscode-test/start.
    const written = readdirSync(home, { recursive: true }).map(String);
    assert.deepEqual(written, [], `written under $HOME: ${written.join(', ')}`);
    assert.ok(existsSync(join(root, '.vscode-test/start/xdg')), 'code-server\'s homes are in the project');
  });
});
