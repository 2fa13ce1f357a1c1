import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { freePort, launchChromium, root } from '../harness/codeServer';
import { artifactsDir } from './workbench';

describe('e2e: npm start', function () {
  this.timeout(240000);
  let child: ChildProcess | undefined;
  let browser: BrowserContext | undefined;
  const profile = join(root, '.vscode-test/runs', `start-${Date.now()}`);

  after(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    if (child?.pid) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
  });

  it('prints a VS Code URL where the Agent Debugger activity-bar entry is visible', async () => {
    const port = await freePort();
    // --browser: the code-server path, even on a machine that has the desktop `code`.
    child = spawn(process.execPath, [join(root, 'test/harness/start.mjs'), '--browser'], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(out);
        if (m) resolve(m[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${out}`)));
    });
    assert.ok(url.startsWith(`http://127.0.0.1:${port}/`));
    browser = await launchChromium(profile);
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(url);
    const entry = page.locator('.activitybar .action-item a[aria-label^="Agent Debugger"]').first();
    await entry.waitFor({ timeout: 90000 });
    await entry.click();
    await page.locator('.welcome-view-content', { hasText: 'No agent sessions yet' }).waitFor({ timeout: 30000 });
    await page.screenshot({ path: join(artifactsDir, 'npm-start.png') });
  });
});
