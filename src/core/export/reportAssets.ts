// The built files an HTML report inlines, read from an extension (or package) root's dist/webview.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ReportAssets } from './htmlReport';

export async function readReportAssets(root: string): Promise<ReportAssets> {
  const dir = path.join(root, 'dist', 'webview');
  const text = (...p: string[]) => readFile(path.join(dir, ...p), 'utf8');
  const [graphJs, graphCss, shimJs, codiconCss, codiconTtf] = await Promise.all([
    text('graph.js'), text('graph.css'), text('reportShim.js'), text('codicons', 'codicon.css'), readFile(path.join(dir, 'codicons', 'codicon.ttf')),
  ]);
  return { graphJs, graphCss, shimJs, codiconCss, codiconTtf };
}
