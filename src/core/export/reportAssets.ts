// The built files an HTML report inlines, read from an extension (or package) root's dist/webview.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readInlineAssets, scriptText } from '../webviewAssets';
import type { ReportAssets } from './htmlReport';

export async function readReportAssets(root: string): Promise<ReportAssets> {
  const shimJs = scriptText(await readFile(path.join(root, 'dist', 'webview', 'reportShim.js'), 'utf8'));
  return { graph: readInlineAssets(root, 'graph'), shimJs };
}
