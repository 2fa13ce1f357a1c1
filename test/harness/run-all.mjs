#!/usr/bin/env node
// `npm test`: every layer, one after the other (2 cores: parallel runs only slow each other down).
//   prerequisites -> code-server -> build + typecheck + lint -> unit -> attack -> webview -> VSIX -> integration
//   (dev path, then the VSIX) -> e2e (the VSIX installed with --install-extension) -> one summary line.
// Layers: AGENT_DEBUGGER_LAYERS=unit,attack,webview (default: all).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPrerequisites } from './prereqs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const only = process.env.AGENT_DEBUGGER_LAYERS?.split(',').map((s) => s.trim());
const wants = (layer) => !only || only.includes(layer);
const needsBrowser = ['webview', 'integration', 'e2e'].some(wants);
const bin = (name) => join(root, 'node_modules/.bin', name);
const scratch = mkdtempSync(join(tmpdir(), 'agent-debugger-tests-'));
const rows = [];
let totalPassed = 0;
let totalFailed = 0;
const failedTests = [];

function step(name, command, args, { counted = false } = {}) {
  const started = Date.now();
  const results = join(scratch, `${name.replace(/\W+/g, '-')}.json`);
  console.log(`\n=== ${name}`);
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, AGENT_DEBUGGER_TEST_RESULTS: results } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let summary = '';
  if (counted) {
    let r;
    try { r = JSON.parse(readFileSync(results, 'utf8')); } catch { r = undefined; }
    if (r) {
      totalPassed += r.passes;
      totalFailed += r.failures;
      summary = `${r.passes} passed, ${r.failures} failed`;
      for (const f of r.failed ?? []) failedTests.push({ layer: name, ...f });
    } else {
      totalFailed += 1; // a layer that produced no summary counts as a failure
      summary = 'no results';
    }
  }
  const ok = run.status === 0;
  rows.push({ name, ok, seconds, summary });
  if (!ok && !counted) finish(`'${name}' failed (exit ${run.status ?? run.signal}); later layers need it.`);
  return ok;
}

function finish(reason) {
  console.log('\n=== summary');
  for (const r of rows) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(28)} ${r.seconds.padStart(6)} s  ${r.summary}`);
  if (reason) console.log(reason);
  // Repeated here because CI often keeps only the tail of the log.
  for (const f of failedTests) console.log(`\nfailed in ${f.layer}: ${f.title}\n  ${String(f.error).split('\n').slice(0, 6).join('\n  ')}`);
  rmSync(scratch, { recursive: true, force: true });
  const failed = totalFailed > 0 || rows.some((r) => !r.ok);
  console.log(`\ntests: ${totalPassed} passed, ${totalFailed} failed`);
  process.exit(failed ? 1 : 0);
}

if (wants('unit') || needsBrowser) assertPrerequisites({ browser: needsBrowser });
if (wants('integration') || wants('e2e')) step('install code-server', 'bash', ['test/harness/install-code-server.sh']);
step('build (esbuild)', process.execPath, ['esbuild.mjs']);
step('typecheck + compile tests', bin('tsc'), ['-p', '.']);
step('typecheck webview', bin('tsc'), ['-p', 'webview', '--noEmit']);
step('lint', bin('eslint'), ['.', '--max-warnings', '0']);
const mocha = (config) => [bin('mocha'), '--config', config, '--reporter', join(root, 'test/harness/reporter.cjs')];
if (wants('unit')) step('unit', process.execPath, mocha('.mocharc.json'), { counted: true });
// Hostile files and requests against the receiver and import paths (a few minutes at most).
if (wants('attack')) step('attack (hostile input)', process.execPath, mocha('.mocharc.attack.json'), { counted: true });
if (wants('webview')) step('webview (Chromium)', process.execPath, mocha('.mocharc.webview.json'), { counted: true });
if (wants('integration') || wants('e2e')) step('package VSIX', 'npm', ['run', '--silent', 'package']);
if (wants('integration')) {
  step('integration (dev path)', process.execPath, ['out/test/harness/runIntegration.js'], { counted: true });
  step('integration (VSIX)', process.execPath, ['out/test/harness/runIntegration.js', '--vsix=agent-debugger.vsix'], { counted: true });
}
if (wants('e2e')) step('e2e (VS Code UI)', process.execPath, mocha('.mocharc.e2e.json'), { counted: true });
finish();
