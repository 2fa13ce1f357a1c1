// Safety options from the user: `agentDebugger.policy` (or `.agent-policy.json` in a workspace folder; the
// setting wins) and taint source / sink tool patterns. A bad policy is reported once and ignored.
import * as vscode from 'vscode';
import { parsePolicy, type SafetyOptions } from '../../core/safety';
import type { Log } from '../log';
import { onSettingsChanged, setting } from '../settings';

export const policyFileName = '.agent-policy.json';

export class SafetySettings implements vscode.Disposable {
  private cached: Promise<SafetyOptions> | undefined;
  private readonly reported = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: Log) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${policyFileName}`);
    const reset = () => {
      this.cached = undefined;
      this.changed.fire();
    };
    this.disposables.push(watcher, watcher.onDidChange(reset), watcher.onDidCreate(reset), watcher.onDidDelete(reset), onSettingsChanged(['policy', 'safety.taintSources', 'safety.taintSinks'], reset), this.changed);
  }

  options(): Promise<SafetyOptions> {
    this.cached ??= this.read();
    return this.cached;
  }

  private async read(): Promise<SafetyOptions> {
    const options: SafetyOptions = {};
    const sources = setting('safety.taintSources');
    const sinks = setting('safety.taintSinks');
    if (sources?.length || sinks?.length) options.taint = { sources: sources?.length ? sources : undefined, sinks: sinks?.length ? sinks : undefined };
    const fromSetting = setting('policy');
    try {
      if (fromSetting && Object.keys(fromSetting).length > 0) {
        options.policy = parsePolicy(fromSetting, 'agentDebugger.policy');
      } else {
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
          const uri = vscode.Uri.joinPath(folder.uri, policyFileName);
          let text: string;
          try {
            text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
          } catch {
            continue;
          }
          options.policy = parsePolicy(JSON.parse(text) as unknown, uri.fsPath);
          break;
        }
      }
    } catch (e) {
      const message = `Agent Debugger: the tool policy is not used: ${(e as Error).message}`;
      this.log.warn(message);
      if (!this.reported.has(message)) {
        this.reported.add(message);
        void vscode.window.showWarningMessage(message);
      }
    }
    return options;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
