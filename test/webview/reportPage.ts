// The standalone HTML report (one file) opened from disk in headless Chromium with networking disabled:
// every request the page tries is recorded and aborted (only data:/blob: URLs may load).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { htmlOf } from '../../src/core/export/sessionExport';
import { readReportAssets } from '../../src/core/export/reportAssets';
import { launchChromium, root } from '../harness/codeServer';
import type { Loaded } from './graphFixtures';
import { tempDir } from '../unit/sessions/helpers';

export interface ReportPage {
  page: Page;
  html: string;
  /** URLs the page tried other than its own file, data: and blob:. */
  attempted: string[];
  /** Page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

export async function openReport(loaded: Loaded, opts: { name?: string; colorScheme?: 'dark' | 'light'; viewport?: { width: number; height: number } } = {}): Promise<ReportPage> {
  const html = htmlOf(loaded.session, { id: 'report', name: opts.name ?? 'report' }, loaded.inputs, await readReportAssets(root));
  const file = join(tempDir(), 'report.html');
  writeFileSync(file, html);
  const profile = join(root, '.vscode-test/runs', `report-${process.pid}-${Date.now()}`);
  const context = await launchChromium(profile, { offline: true, colorScheme: opts.colorScheme });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const attempted: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith('file:')) attempted.push(url);
      return url === pathToFileURL(file).href ? route.continue() : route.abort();
    });
    const errors: string[] = [];
    const page = context.pages()[0] ?? (await context.newPage());
    if (opts.viewport) await page.setViewportSize(opts.viewport);
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('request', (r) => !/^(data|blob|file):/.test(r.url()) && attempted.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    await page.locator('.node').first().waitFor();
    return { page, html, attempted, errors, close };
  } catch (e) {
    await close();
    throw e;
  }
}
