import * as vscode from 'vscode';
import { unlessTooLarge } from '../../core/modelBudget';
import { formatLocationStats, toSlashes, type LocationStatsDto } from '../../core/sources';
import { Commands } from '../contributions';
import type { ReceiverService } from '../receiverService';
import { agentOptions, onSettingsChanged, setting } from '../settings';
import { readonlySourceScheme, type SourceLinks } from './sourceLinks';

/** Live runs change the numbers often; the lenses follow at most this often. */
const refreshMs = 1000;

/**
 * "get_weather · 12 calls · 3 errors · p50 420 ms · $0.004" above each tool and prompt definition, for the
 * selected session (the one the graph or the Sessions view shows last, else the newest). Clicking shows
 * those steps in the graph.
 */
export class StepCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private selected: string | undefined;
  private cache: { key: string; sessionId: string; byPath: Map<string, LocationStatsDto[]> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly receiver: ReceiverService, private readonly sources: SourceLinks) {
    this.disposables.push(
      receiver.onDidChange(() => this.refresh()),
      sources.workspace.onDidChange(() => this.refresh()),
      onSettingsChanged(['codeLens.enabled', 'pricing.models'], () => this.refresh(0)),
      vscode.languages.registerCodeLensProvider([{ scheme: 'file' }, { scheme: readonlySourceScheme }], this),
    );
  }

  /** The session whose numbers the lenses show. */
  selectSession(id: string | undefined): void {
    if (id === this.selected) return;
    this.selected = id;
    this.refresh(0);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!setting('codeLens.enabled')) return [];
    const stats = await this.stats();
    const here = stats?.byPath.get(toSlashes(document.uri.fsPath)) ?? stats?.byPath.get(toSlashes(document.uri.path));
    if (!stats || !here) return [];
    return here.map((s) => {
      const line = Math.min(s.line - 1, document.lineCount - 1);
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: formatLocationStats(s),
        tooltip: `Show these ${s.calls} steps in the Agent Trace graph`,
        command: Commands.showStepsInGraph,
        // The line, not its steps' ids: the engine answers them on a click (a tool may have run 50k times).
        arguments: [stats.sessionId, { path: s.path, line: s.line }, s.label],
      });
    });
  }

  /** Per-file stats for the selected session, rebuilt when the session, the index or prices change. */
  private async stats(): Promise<typeof this.cache> {
    const engine = await this.receiver.existingEngine();
    if (!engine) return undefined;
    const summary = (this.selected && engine.getSession(this.selected)) || engine.listSessions()[0];
    if (!summary) return undefined;
    // The index built (and its copy in the engine worker sent), then the numbers made there: a long
    // session's steps and spans never cross to this thread for them.
    await this.sources.workspace.ready();
    const key = `${summary.id}\0${summary.spanCount}\0${this.sources.workspace.generation}`;
    if (this.cache?.key === key) return this.cache;
    // A session whose model does not fit the engine's heap has no numbers to show.
    const rows = await engine.derived.codeLensStats(summary.id, agentOptions()).catch(unlessTooLarge);
    if (!rows) return undefined;
    const byPath = new Map<string, LocationStatsDto[]>();
    for (const s of rows) {
      const list = byPath.get(s.path);
      if (list) list.push(s);
      else byPath.set(s.path, [s]);
    }
    this.cache = { key, sessionId: summary.id, byPath };
    return this.cache;
  }

  private refresh(delay = refreshMs): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire();
    }, delay);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
