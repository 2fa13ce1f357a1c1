#!/usr/bin/env node
// `npm start`: build, then open the extension in a real VS Code on examples/ — the desktop `code` when it
// is on PATH, otherwise the local browser-based VS Code (code-server) from the test setup, printing its URL.
//   npm start -- --browser   force code-server even when `code` exists
//   PORT=8080 npm start      pick code-server's port
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const examples = join(root, 'examples');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, ['esbuild.mjs']);
const hasCode = spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
if (hasCode && !process.argv.includes('--browser')) {
  console.log('Opening VS Code with the extension loaded (Extension Development Host)...');
  spawn('code', [`--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit', detached: true }).unref();
} else {
  run(join(root, 'node_modules/.bin/tsc'), ['-p', '.']);
  const require = createRequire(import.meta.url);
  const { ensureCodeServer, prepareDirs, startCodeServer } = require(join(root, 'out/test/harness/codeServer.js'));
  ensureCodeServer();
  const runDir = join(root, '.vscode-test/start');
  mkdirSync(runDir, { recursive: true });
  const dirs = prepareDirs(runDir);
  const server = await startCodeServer({ dirs, logFile: join(runDir, 'code-server.log'), port: process.env.PORT ? Number(process.env.PORT) : undefined });
  // The dev extension is loaded through the workbench's `payload` (the desktop CLI's --extensionDevelopmentPath).
  const payload = [['extensionDevelopmentPath', `vscode-remote://${server.authority}${root}`], ['skipWelcome', 'true']];
  const url = `${server.url}/?folder=${encodeURIComponent(examples)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  console.log(`\nAgent Debugger is running in VS Code (code-server 4.100.3). Open:\n\n  ${url}\n\nPress Ctrl-C to stop.`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
