// "Re-run from here" above the source line of the LLM step a replay debug session is stopped on.
import * as vscode from 'vscode';
import { Commands } from '../contributions';

export interface LensTarget {
  /** The stopped frame's file and 1-based line. */
  path: string;
  line: number;
  sessionId: string;
  llmStep: number;
}

export class ForkCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private target: LensTarget | undefined;
  private readonly registration = vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this);

  show(target: LensTarget | undefined): void {
    this.target = target;
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const t = this.target;
    if (!t || uriOf(t.path).path !== document.uri.path) return [];
    const line = Math.max(0, Math.min(t.line - 1, document.lineCount - 1));
    const range = new vscode.Range(line, 0, line, 0);
    return [
      new vscode.CodeLens(range, { title: `$(debug-rerun) Re-run from here (LLM step ${t.llmStep})`, tooltip: 'Fork the run at this LLM call with an edited request', command: Commands.rerunFromHere, arguments: [t.sessionId, t.llmStep] }),
      new vscode.CodeLens(range, { title: 'What if the model had answered…', tooltip: 'Fork the run here with an edited answer (e.g. a different tool call)', command: Commands.rerunWithEditedResponse, arguments: [t.sessionId, t.llmStep] }),
    ];
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

/** A DAP source path: a file path, or (remote windows) a URI string. */
export function uriOf(path: string): vscode.Uri {
  return /^[a-z][\w+.-]+:\/\//i.test(path) ? vscode.Uri.parse(path) : vscode.Uri.file(path);
}
