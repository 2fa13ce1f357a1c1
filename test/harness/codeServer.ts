// Starts code-server (VS Code 1.100.3 in the browser, with a real Node extension host) from
// .vscode-test/code-server, and headless Debian Chromium through playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const root = resolve(__dirname, '../../..');
export const codeServerEntry = join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
export const chromiumPath =
  process.env.CHROMIUM_BIN ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

const quietSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'git.openRepositoryInParentFolders': 'never',
  // The receiver's own ports are not "your application": no "available on port 4318" pop-ups.
  'remote.autoForwardPorts': false,
};

export interface Dirs {
  userDataDir: string;
  extensionsDir: string;
  /** XDG config, data and cache homes: code-server writes ~/.config/code-server and ~/.local/share/code-server, VS Code ~/.cache/Microsoft otherwise. */
  xdgDir: string;
}

export interface CodeServer {
  url: string;
  port: number;
  authority: string;
  logFile: string;
  stop(): Promise<void>;
}

export function ensureCodeServer(): void {
  execFileSync('bash', [join(root, 'test/harness/install-code-server.sh')], { stdio: 'inherit' });
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

function healthy(url: string): Promise<boolean> {
  return new Promise((res) => {
    const req = get(url, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** A fresh user-data-dir with quiet settings (plus extra ones), an extensions dir and XDG homes, all in runDir. */
export function prepareDirs(runDir: string, settings: Record<string, unknown> = {}): Dirs {
  const userDataDir = join(runDir, 'user');
  const extensionsDir = join(runDir, 'extensions');
  const xdgDir = join(runDir, 'xdg');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(xdgDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...settings }, null, 2));
  writeFileSync(join(userDataDir, 'config.yaml'), 'auth: none\n');
  return { userDataDir, extensionsDir, xdgDir };
}

/** code-server's environment: no extension gallery, and XDG homes inside the run's folder. */
function codeServerEnv(dirs: Dirs, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const xdg = (name: string) => join(dirs.xdgDir, name);
  return { ...process.env, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: xdg('config'), XDG_DATA_HOME: xdg('data'), XDG_CACHE_HOME: xdg('cache'), ...extra };
}

function codeServerArgs({ userDataDir, extensionsDir }: Dirs): string[] {
  // --config and --auth none: code-server writes a config with a password to ~/.config/code-server without them.
  return ['--config', join(userDataDir, 'config.yaml'), '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** `code-server --install-extension x.vsix`: the way a user installs the packaged extension. */
export function installVsix(dirs: Dirs, vsix: string): string {
  return execFileSync(process.execPath, [codeServerEntry, ...codeServerArgs(dirs), '--install-extension', vsix, '--force'], {
    encoding: 'utf8', env: codeServerEnv(dirs),
  });
}

/** Starts code-server on a loopback port; resolves when /healthz answers. */
export async function startCodeServer(opts: { dirs: Dirs; logFile: string; env?: Record<string, string>; port?: number }): Promise<CodeServer> {
  const port = opts.port ?? (await freePort());
  const out = openSync(opts.logFile, 'w');
  const args = [codeServerEntry, ...codeServerArgs(opts.dirs), '--bind-addr', `127.0.0.1:${port}`];
  // Own process group: stop() takes the extension host and pty host down with it.
  const proc = spawn(process.execPath, args, {
    stdio: ['ignore', out, out], detached: true,
    env: codeServerEnv(opts.dirs, opts.env),
  });
  let exited = false;
  proc.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (!(await healthy(`${url}/healthz`))) {
    if (exited) throw new Error(`code-server exited early; see ${opts.logFile}`);
    if (Date.now() - started > 60000) throw new Error(`code-server did not start within 60 s; see ${opts.logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, port, authority: `127.0.0.1:${port}`, logFile: opts.logFile,
    async stop() {
      if (exited) return;
      const done = new Promise((r) => proc.on('exit', r));
      const kill = (signal: NodeJS.Signals) => {
        try { process.kill(-proc.pid!, signal); } catch { /* already gone */ }
      };
      kill('SIGTERM');
      const hard = setTimeout(() => kill('SIGKILL'), 5000);
      await done;
      clearTimeout(hard);
    },
  };
}

export async function launchChromium(profileDir: string, opts: { colorScheme?: 'dark' | 'light'; offline?: boolean } = {}): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  if (!chromiumPath) throw new Error('Chromium is missing: apt-get install -y chromium');
  rmSync(profileDir, { recursive: true, force: true });
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    colorScheme: opts.colorScheme ?? 'dark',
    offline: opts.offline ?? false,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
