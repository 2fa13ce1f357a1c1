#!/usr/bin/env node
// `npm start`: build, then open the extension in a real VS Code on examples/ — the desktop `code` when it
// is on PATH, otherwise the local browser-based VS Code (code-server) from the test setup, printing a short
// URL that redirects to it. Everything code-server keeps (settings, config, logs) stays in .vscode-test/start.
//   npm start -- --browser   force code-server even when `code` exists
//   PORT=8080 npm start      pick the printed URL's port
//   npm start -- --browser --folder=DIR   open another folder (its .vscode/settings.json apply, theme included)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const folderArg = process.argv.find((a) => a.startsWith('--folder='));
const examples = folderArg ? resolve(folderArg.slice('--folder='.length)) : join(root, 'examples');
const started = Date.now();
// Ours alone: code-server would take $PORT for itself too.
const shortPort = process.env.PORT ? Number(process.env.PORT) : 0;
delete process.env.PORT;
const say = (text) => console.log(`[npm start ${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

say('building the extension (esbuild)...');
run(process.execPath, ['esbuild.mjs']);
const hasCode = spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
if (hasCode && !process.argv.includes('--browser')) {
  say('opening VS Code with the extension loaded (Extension Development Host)...');
  spawn('code', [`--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit', detached: true }).unref();
} else {
  // Only the harness module is needed: one esbuild call, not a whole `tsc -p .` (~40 s on 2 cores).
  say('compiling the code-server harness...');
  const harness = join(root, 'out/test/harness/codeServer.js');
  const { build } = await import('esbuild');
  await build({ entryPoints: [join(root, 'test/harness/codeServer.ts')], outfile: harness, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const require = createRequire(import.meta.url);
  const { ensureCodeServer, freePort, prepareDirs, startCodeServer } = require(harness);
  say('checking code-server 4.100.3 in .vscode-test/code-server (the first time it installs, about a minute)...');
  ensureCodeServer();
  const runDir = join(root, '.vscode-test/start');
  mkdirSync(runDir, { recursive: true });
  const dirs = prepareDirs(runDir);
  // The workbench URL is ~250 characters: a loopback redirect gives a short one to click or type. It
  // listens first, so that code-server's free port cannot be the one asked for.
  let target = '';
  const short = createServer((req, res) => {
    res.writeHead(302, { location: target, 'cache-control': 'no-store' }).end();
  });
  await new Promise((ok, fail) => short.once('error', fail).listen(shortPort, '127.0.0.1', ok));
  say('starting VS Code (code-server)...');
  const server = await startCodeServer({ dirs, logFile: join(runDir, 'code-server.log'), port: await freePort() });
  // The dev extension is loaded through the workbench's `payload` (the desktop CLI's --extensionDevelopmentPath).
  const payload = [['extensionDevelopmentPath', `vscode-remote://${server.authority}${devExtensionDir(runDir)}`], ['skipWelcome', 'true']];
  target = `${server.url}/?folder=${encodeURIComponent(examples)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const url = `http://127.0.0.1:${short.address().port}/`;
  say(`ready. Agent Debugger is running in VS Code (code-server 4.100.3). Open:\n\n  ${url}\n\nPress Ctrl-C to stop.`);
  const stop = async () => {
    short.close();
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * The extension under development, as a folder of its own: package.json, dist/ and media/, hard-linked (or
 * copied) from the project. VS Code starts an Extension Development Host in a theme of the developed
 * extension when it has one, found as any theme whose files lie under the extension's folder: with the
 * project root as that folder, every built-in theme of code-server (installed in .vscode-test/code-server)
 * qualified, and the workbench opened in Light+ whatever the settings said. Hard links, not symbolic ones:
 * Node loads a symlinked file from its real path, outside this folder, and VS Code then refuses the
 * extension its own debuggers ("can only be registered from the extension that defines the debugger").
 */
function devExtensionDir(runDir) {
  const dir = join(runDir, 'extension');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const name of ['package.json', 'README.md', 'dist', 'media']) linkTree(join(root, name), join(dir, name));
  return dir;
}

function linkTree(from, to) {
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) linkTree(join(from, name), join(to, name));
    return;
  }
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to); // another file system
  }
}
