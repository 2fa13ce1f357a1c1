#!/usr/bin/env node
// Checks the packaged VSIX: size budget and no dev files inside (sources, tests, maps, node_modules).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

const vsix = process.argv[2] ?? 'agent-debugger.vsix';
const maxBytes = 5 * 1024 * 1024;
const files = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
const forbidden = [/^extension\/(src|test|webview|examples|out|\.vscode|\.ci|\.vscode-test)\//, /\.map$/, /\.ts$/, /node_modules\//, /tsconfig/, /\.mocharc/, /esbuild\.mjs$/];
const bad = files.filter((f) => forbidden.some((r) => r.test(f)) && !f.endsWith('.d.ts'));
const size = statSync(vsix).size;
const needed = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/decodeWorkerMain.js', 'extension/dist/gatewayPreload.js', 'extension/dist/sql-wasm.wasm', 'extension/dist/webview/cost.js',
  'extension/dist/webview/graph.js', 'extension/dist/webview/reportShim.js', 'extension/media/activity-bar.svg', 'extension/media/current-step.svg'];
const absent = needed.filter((f) => !files.includes(f));
console.log(`${vsix}: ${files.length} files, ${(size / 1024 / 1024).toFixed(2)} MB (budget 5 MB)`);
if (bad.length || absent.length || size > maxBytes) {
  if (bad.length) console.error(`dev files inside the VSIX:\n  ${bad.join('\n  ')}`);
  if (absent.length) console.error(`missing from the VSIX:\n  ${absent.join('\n  ')}`);
  if (size > maxBytes) console.error(`the VSIX is over 5 MB`);
  process.exit(1);
}
