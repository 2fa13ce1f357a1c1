import * as vscode from 'vscode';

/**
 * The current time-travel step's line, marked the way a debugger marks its current line: the stack-frame
 * highlight colour, a yellow arrow in the gutter, and the step's name after the line.
 */
export class CurrentStepDecoration implements vscode.Disposable {
  private readonly type: vscode.TextEditorDecorationType;
  /** Where the mark is now (tests read it; VS Code has no API to read decorations back). */
  current: { uri: vscode.Uri; line: number; label: string } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(extensionUri: vscode.Uri) {
    this.type = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Full,
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'current-step.svg'),
      gutterIconSize: 'contain',
    });
    // An editor opened on the file later (or the same file in another group) gets the mark too.
    this.disposables.push(this.type, vscode.window.onDidChangeVisibleTextEditors(() => this.paint()));
  }

  show(uri: vscode.Uri, line: number, label: string): void {
    this.current = { uri, line, label };
    this.paint();
  }

  clear(): void {
    this.current = undefined;
    this.paint();
  }

  private paint(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const here = this.current && editor.document.uri.toString() === this.current.uri.toString();
      if (!here) {
        editor.setDecorations(this.type, []);
        continue;
      }
      const line = Math.min(this.current!.line, editor.document.lineCount - 1);
      editor.setDecorations(this.type, [{
        range: new vscode.Range(line, 0, line, 0),
        renderOptions: { after: { contentText: `  ◀ ${this.current!.label}`, color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' } },
      }]);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
