// Runs the mocha suite INSIDE the real Node extension host of VS Code 1.100.3 (code-server), the way
// @vscode/test-electron does on a desktop. The web workbench takes the desktop CLI's test options in its
// `payload` query parameter (vscode-remote:// URIs); when the suite's run() settles the workbench calls
// window.codeAutomationExit(code), which we expose through playwright.
//   node out/test/harness/runIntegration.js [--vsix=FILE] [--workspace=DIR] [--timeout=SECONDS] [--grep=TEXT] [--keep]
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { launchChromium, prepareDirs, root, startCodeServer } from './codeServer';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2] ?? 'true'];
  }),
) as Record<string, string | undefined>;

// Workbench start-up chatter that also arrives through codeAutomationLog.
const noise = [/^Resolv(ing|ed) connection token/, /^Creating a socket/, /^\[Service Worker\]/, /^ChatSessionStore/,
  /^Updating additional builtin extensions cache/, /^Extension host (started|with pid)/, /^Eager extensions activated/,
  /^Ignoring fetching additional builtin extensions/, /^Started local extension host/];

async function main(): Promise<number> {
  // A guard for a hung run: the suite takes 1-2 minutes here.
  const timeoutSeconds = Number(args.timeout ?? 600);
  const workspace = resolve(args.workspace ?? join(root, 'examples'));
  const testsPath = join(root, 'out/test/integration/index.js');
  const runDir = join(root, '.vscode-test/runs', `integration-${Date.now()}`);
  const resultsFile = process.env.AGENT_DEBUGGER_TEST_RESULTS ?? join(runDir, 'results.json');
  mkdirSync(runDir, { recursive: true });

  let extensionPath = root;
  if (args.vsix) {
    // The packaged bits: the VSIX's extension/ folder becomes the development path.
    execFileSync('unzip', ['-q', '-o', resolve(args.vsix), 'extension/*', '-d', join(runDir, 'vsix')]);
    extensionPath = join(runDir, 'vsix/extension');
  }
  // Port 0: the suite must not collide with a receiver the developer runs on 4318.
  const dirs = prepareDirs(runDir, { 'agentDebugger.receiver.port': 0, 'agentDebugger.receiver.grpcPort': 0 });
  const server = await startCodeServer({ dirs, logFile: join(runDir, 'code-server.log'), env: { AGENT_DEBUGGER_TEST_RESULTS: resultsFile, AGENT_DEBUGGER_TEST_GREP: args.grep ?? '' } });
  let context: BrowserContext | undefined;
  let exitCode = 1;
  try {
    context = await launchChromium(join(runDir, 'chromium'));
    const page = context.pages()[0] ?? (await context.newPage());
    let settle!: (code: number) => void;
    const exited = new Promise<number>((r) => (settle = r));
    // Both must be exposed before goto().
    await page.exposeFunction('codeAutomationExit', (code: number) => settle(code));
    await page.exposeFunction('codeAutomationLog', (level: string, logArgs: unknown) => {
      const line = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
      if (!noise.some((r) => r.test(line))) (level === 'error' ? console.error : console.log)(line);
    });
    // The browser's own view (webview frames included), kept with a failed run's logs.
    const browserLog = createWriteStream(join(runDir, 'browser.log'));
    const stamp = () => new Date().toISOString().slice(11, 23);
    page.on('console', (m) => browserLog.write(`${stamp()} console.${m.type()} [${m.location().url}] ${m.text()}\n`));
    page.on('pageerror', (e) => browserLog.write(`${stamp()} pageerror ${e.stack ?? e.message}\n`));
    page.on('requestfailed', (r) => browserLog.write(`${stamp()} requestfailed ${r.url()} ${r.failure()?.errorText ?? ''}\n`));
    // Webview resources go through VS Code's webview service worker: ours should fetch none (core/webviewAssets.ts).
    const resource = /\.vscode-resource\./;
    page.on('request', (r) => resource.test(r.url()) && browserLog.write(`${stamp()} request ${r.url()}\n`));
    page.on('requestfinished', (r) => resource.test(r.url()) && browserLog.write(`${stamp()} requestfinished ${r.url()}\n`));
    page.on('frameattached', (f) => browserLog.write(`${stamp()} frameattached ${f.url()}\n`));
    page.on('framenavigated', (f) => browserLog.write(`${stamp()} framenavigated ${f.url()}\n`));
    const remote = (p: string) => `vscode-remote://${server.authority}${p}`;
    const payload = [['extensionDevelopmentPath', remote(extensionPath)], ['extensionTestsPath', remote(testsPath)], ['skipWelcome', 'true']];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutSeconds * 1000).unref());
    const outcome = await Promise.race([exited, timeout]);
    if (outcome === 'timeout') {
      console.error(`integration tests timed out after ${timeoutSeconds}s; see ${runDir}`);
      await page.screenshot({ path: join(runDir, 'timeout.png') }).catch(() => undefined);
      exitCode = 124;
    } else {
      exitCode = outcome;
    }
  } catch (e) {
    console.error('integration harness error:', e);
    exitCode = 2;
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop();
  }
  let results: { passes: number; failures: number } | undefined;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    /* the suite never ran */
  }
  // Never report success without a summary that says so.
  if (exitCode === 0 && (!results || results.failures > 0 || results.passes === 0)) exitCode = 1;
  console.log(`integration (${args.vsix ? 'VSIX' : 'dev'}): exit ${exitCode}; ${results ? `${results.passes} passed, ${results.failures} failed` : 'no results'}`);
  if (exitCode === 0 && !args.keep) rmSync(runDir, { recursive: true, force: true });
  return exitCode;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(2);
});
