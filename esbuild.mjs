// Three targets: the extension host bundle (node, cjs, `vscode` external), the webview bundles (browser)
// and the headless CLI (node). `--watch` rebuilds on change; `--production` minifies and drops sourcemaps.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  // core/store/sqlite.ts resolves sql.js only when no sql-wasm.wasm lies beside the code; the bundles
  // always have one (copied below), so that require.resolve is for unbundled runs and needs no warning.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // sql.js: the node build (its package's "browser" condition has no Node support).
    mainFields: ['main', 'module'],
  },
  {
    // The workers' entries (engine, decode, SQLite guard), loaded by the extension and the CLI from beside their bundles.
    ...common,
    entryPoints: { engineWorkerMain: 'src/core/engineWorkerMain.ts', decodeWorkerMain: 'src/core/decodeWorkerMain.ts', sqliteGuardMain: 'src/core/store/sqliteGuardMain.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['main', 'module'],
  },
  {
    // Preloaded into traced Node agents (NODE_OPTIONS --require): routes provider fetch / http(s) calls to the LLM gateway.
    ...common,
    entryPoints: { gatewayPreload: 'src/core/gateway/nodePreload.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    mainFields: ['main', 'module'],
  },
  {
    ...common,
    entryPoints: { cost: 'webview/cost/main.ts', graph: 'webview/graph/main.ts' },
    entryNames: '[name]',
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
  {
    // The HTML report's stand-in host: a classic script, so it runs before the graph module (src/core/export).
    ...common,
    entryPoints: { reportShim: 'webview/report/shim.ts' },
    entryNames: '[name]',
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: false,
  },
];

function copyAssets() {
  mkdirSync('dist/webview/codicons', { recursive: true });
  copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');
  // Put on traced Python agents' PYTHONPATH: routes urllib calls to hard-coded provider URLs to the gateway.
  mkdirSync('dist/python', { recursive: true });
  copyFileSync('src/core/gateway/python/sitecustomize.py', 'dist/python/sitecustomize.py');
  const codicons = dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(codicons, f), join('dist/webview/codicons', f));
}

if (!watch) rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
copyAssets();
if (watch) {
  // The task's problem matcher (.vscode/tasks.json) keys on these two lines.
  const announce = {
    name: 'announce',
    setup(build) {
      build.onStart(() => console.log('[watch] build started'));
      build.onEnd((r) => {
        for (const e of r.errors) console.error(`✘ [ERROR] ${e.text} ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}` : ''}`);
        console.log('[watch] build finished');
      });
    },
  };
  const contexts = await Promise.all(targets.map((t) => esbuild.context({ ...t, plugins: [announce] })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching for changes...');
} else {
  const started = Date.now();
  await Promise.all(targets.map((t) => esbuild.build(t)));
  console.log(`[esbuild] ${production ? 'production' : 'development'} build in ${Date.now() - started} ms`);
}
