// Problems-panel entries for the newest session's safety findings, at the source line of the step each
// finding is on (a tool's definition, an LLM call's call site). Refreshed as spans arrive (coalesced).
import * as vscode from 'vscode';
import { unlessTooLarge } from '../../core/modelBudget';
import type { AgentStep } from '../../core/agent';
import type { SafetyFinding } from '../../core/safety';
import type { SourceLinks } from '../editor/sourceLinks';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';
import { agentOptions } from '../settings';
import type { SafetySettings } from './safetySettings';

const refreshDelayMs = 500;

export class SafetyDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('agent-debugger-safety');
  private timer: NodeJS.Timeout | undefined;
  private shownState = '';
  private readonly disposables: vscode.Disposable[] = [];
  /** The newest session's findings (the Cost view and tests read them). */
  findings: SafetyFinding[] = [];
  sessionId: string | undefined;

  constructor(private readonly receiver: ReceiverService, private readonly links: SourceLinks, private readonly settings: SafetySettings, private readonly log: Log) {
    this.disposables.push(receiver.onDidChange(() => this.schedule()), settings.onDidChange(() => ((this.shownState = ''), this.schedule())));
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.refresh().catch((e: unknown) => this.log.error(`safety findings: ${e instanceof Error ? e.stack : String(e)}`));
    }, refreshDelayMs);
  }

  async refresh(): Promise<void> {
    const engine = await this.receiver.engine();
    const newest = engine.listSessions()[0];
    const state = newest ? `${newest.id}/${newest.spanCount}/${newest.logCount}` : '';
    if (state === this.shownState) return;
    this.shownState = state;
    if (!newest) {
      this.findings = [];
      this.collection.clear();
      return;
    }
    // Scanned and located in the engine's worker (its copy of the workspace index, sent first): only the
    // findings and the steps they are on come back.
    await this.links.workspace.ready();
    const answer = await engine.safetyFindings(newest.id, agentOptions(), await this.settings.options()).catch(unlessTooLarge);
    if (!answer) {
      // Its model does not fit the engine's heap: no findings to show (the graph and the Cost view say why).
      this.findings = [];
      this.collection.clear();
      return;
    }
    const { findings, steps, state: scanned } = answer;
    // A growing session's scan may lag it: the engine then tells again when a fresh one is due.
    if (scanned !== `${newest.spanCount}/${newest.logCount}`) this.shownState = '';
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    const byId = new Map(steps.map((s) => [s.id, s]));
    for (const f of findings) {
      const step = byId.get(f.stepId);
      const located = step && (await this.locate(step));
      if (!located) continue;
      const entry = byUri.get(located.uri.toString()) ?? { uri: located.uri, list: [] };
      entry.list.push(diagnostic(f, located.line));
      byUri.set(located.uri.toString(), entry);
    }
    this.collection.clear();
    for (const { uri, list } of byUri.values()) this.collection.set(uri, list);
    this.findings = findings;
    this.sessionId = newest.id;
  }

  private async locate(step: AgentStep): Promise<{ uri: vscode.Uri; line: number } | undefined> {
    if (!step.source) return undefined;
    const uri = await this.links.uriOf(step.source);
    return uri && { uri, line: Math.max(0, (step.source.line ?? 1) - 1) };
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.collection.dispose();
  }
}

function diagnostic(f: SafetyFinding, line: number): vscode.Diagnostic {
  const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `${f.message} (heuristic)`, f.kind === 'injection' || f.kind === 'taint' || f.kind === 'secret' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
  d.source = 'Agent Debugger';
  d.code = `${f.kind}/${f.rule}`;
  return d;
}
