import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * Opens a span's source location (code.file.path / code.line.number) beside the graph. Relative paths
 * are tried against each workspace folder; a file outside the workspace opens all the same.
 */
export async function openSourceLocation(file: string, line?: number, options: { quiet?: boolean } = {}): Promise<boolean> {
  const candidates = path.isAbsolute(file)
    ? [vscode.Uri.file(file)]
    : (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, file));
  for (const uri of candidates) {
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      continue;
    }
    const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    return true;
  }
  if (!options.quiet) void vscode.window.showWarningMessage(`Agent Debugger: ${file} was not found in the workspace.`);
  return false;
}
