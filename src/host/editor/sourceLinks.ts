import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentStep, SourceLocation } from '../../core/agent';
import { graphViewType } from '../webviews/graphPanel';
import { CurrentStepDecoration } from './currentStepDecoration';
import type { WorkspaceSourceIndex } from './workspaceSourceIndex';

/** Files outside the workspace open through this scheme: read-only, as the issue asks. */
export const readonlySourceScheme = 'agent-debugger-source';

/**
 * Step <-> source for the host: opens a step's line (read-only when the file is not in the workspace) and
 * keeps the current step's line marked while the user steps through time. Steps come located from the
 * engine's worker, which keeps the index of the files `workspace` reads and sends it.
 */
export class SourceLinks implements vscode.Disposable {
  readonly decoration: CurrentStepDecoration;
  private readonly disposables: vscode.Disposable[] = [];
  /** The group step sources open in. */
  private column: vscode.ViewColumn | undefined;

  constructor(readonly workspace: WorkspaceSourceIndex, extensionUri: vscode.Uri) {
    this.decoration = new CurrentStepDecoration(extensionUri);
    this.disposables.push(this.decoration, vscode.workspace.registerTextDocumentContentProvider(readonlySourceScheme, {
      provideTextDocumentContent: async (uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(uri.path))),
    }));
  }

  /** The document to open for a location: a workspace file, a file elsewhere on disk (read-only), or none. */
  async uriOf(location: SourceLocation): Promise<vscode.Uri | undefined> {
    const candidates = path.isAbsolute(location.path)
      ? [vscode.Uri.file(location.path)]
      : (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, location.path));
    for (const uri of candidates) {
      try {
        await vscode.workspace.fs.stat(uri);
      } catch {
        continue;
      }
      return vscode.workspace.getWorkspaceFolder(uri) ? uri : uri.with({ scheme: readonlySourceScheme });
    }
    return undefined;
  }

  /**
   * Opens the step's line beside the graph. `follow`: the graph keeps focus and the line gets the
   * current-step mark (time travel); otherwise the editor takes focus (an explicit "open source").
   */
  async open(step: Pick<AgentStep, 'source' | 'name'>, options: { follow: boolean; label?: string }): Promise<vscode.TextEditor | undefined> {
    const uri = step.source && (await this.uriOf(step.source));
    if (!uri || !step.source) {
      if (options.follow) this.decoration.clear();
      return undefined;
    }
    const line = Math.max(0, (step.source.line ?? 1) - 1);
    const editor = await vscode.window.showTextDocument(uri, {
      selection: new vscode.Range(line, 0, line, 0),
      viewColumn: this.columnFor(uri),
      preserveFocus: options.follow,
      preview: options.follow,
    });
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.column = editor.viewColumn;
    this.decoration.show(uri, line, options.label ?? step.name);
    return editor;
  }

  /**
   * One editor beside the graph, reused as the cursor moves: the group already showing the file, else the
   * one the last step opened in, else the group right of the graph. Never the graph's own group (it would
   * hide the graph), and never "beside" whichever group has focus (each focus change added a group).
   */
  private columnFor(uri: vscode.Uri): vscode.ViewColumn {
    const groups = vscode.window.tabGroups.all;
    const graph = groups.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(graphViewType)))?.viewColumn;
    const usable = (c: vscode.ViewColumn | undefined) => c !== undefined && c !== graph && groups.some((g) => g.viewColumn === c);
    const showing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString() && usable(e.viewColumn))?.viewColumn;
    for (const c of [showing, this.column]) if (usable(c)) return c!;
    return graph !== undefined ? graph + 1 : vscode.ViewColumn.Beside;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
