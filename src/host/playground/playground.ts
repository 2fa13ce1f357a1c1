// "One Call Again": an LLM step's request opens as an editable JSON document; "Send" re-sends it to the
// provider the agent used (its launch env's base URL, else the provider's own) without re-running the
// agent, and a side-by-side view shows the recorded answer and the new one with their tokens and $.
import * as vscode from 'vscode';
import { editedJson } from '../fork/editedJson';
import type { CassetteExchange } from '../../core/gateway/cassette';
import { type AnswerSummary, recordedAnswer, renderSummary, sendOnce, summarise, upstreamOf } from '../../core/gateway/playground';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { ForkService } from '../fork/forkService';
import type { StepItem } from '../views/sessionsTree';
import { agentOptions } from '../settings';

const scheme = 'agent-debugger-playground';
const documentKey = 'agentDebugger.playgroundDocument';

interface PendingCall {
  sessionId: string;
  step: number;
  exchange: CassetteExchange;
  env: Record<string, string | undefined>;
}

export interface PlaygroundResult {
  recorded: AnswerSummary;
  now: AnswerSummary;
}

export class Playground implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly pending = new Map<string, PendingCall>();
  private readonly pages = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [
    this.changed,
    vscode.workspace.registerTextDocumentContentProvider(scheme, this),
    vscode.window.onDidChangeActiveTextEditor((e) => void vscode.commands.executeCommand('setContext', documentKey, !!e && this.pending.has(e.document.uri.toString()))),
  ];

  constructor(private readonly forks: ForkService) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.pages.get(uri.toString()) ?? '';
  }

  /** Opens step `step`'s request (1-based LLM call) for editing. */
  async open(sessionId: string, step: number): Promise<vscode.TextDocument | undefined> {
    const found = await this.forks.cassetteFor(sessionId);
    if ('reason' in found) {
      void vscode.window.showWarningMessage(`One call again cannot re-send a call of this session: ${found.reason}.`);
      return undefined;
    }
    const exchange = found.cassette.exchanges[step - 1];
    if (!exchange) {
      void vscode.window.showWarningMessage(`This session has ${found.cassette.exchanges.length} LLM call(s); there is no step ${step}.`);
      return undefined;
    }
    const launchEnv = (found.cassette.launch?.config.env ?? {}) as Record<string, string | undefined>;
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(exchange.request, null, 2) });
    this.pending.set(doc.uri.toString(), { sessionId, step, exchange, env: { ...process.env, ...launchEnv } });
    await vscode.window.showTextDocument(doc);
    void vscode.commands.executeCommand('setContext', documentKey, true);
    return doc;
  }

  /** Sends the edited request once and opens the recorded and the new answer side by side. */
  async send(doc: vscode.TextDocument): Promise<PlaygroundResult | undefined> {
    const call = this.pending.get(doc.uri.toString());
    if (!call) {
      void vscode.window.showWarningMessage('This document is not an LLM call opened with "One Call Again".');
      return undefined;
    }
    const parsed = editedJson(doc, 'request');
    if (!parsed) return undefined;
    const body = parsed.value;
    const x = call.exchange;
    const upstream = upstreamOf(x.provider, call.env);
    let now: AnswerSummary;
    try {
      const answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Sending LLM step ${call.step} to ${upstream}` }, () => sendOnce(x.provider, x.path, body, upstream, call.env));
      now = summarise(x.provider, x.path, answer, agentOptions().pricing);
    } catch (e) {
      void vscode.window.showErrorMessage(`One call again: ${upstream} did not answer: ${(e as Error).message}`);
      return undefined;
    }
    const recorded = summarise(x.provider, x.path, recordedAnswer(x), agentOptions().pricing);
    const stamp = Date.now();
    const left = vscode.Uri.from({ scheme, path: `/step-${call.step}-recorded.md`, query: String(stamp) });
    const right = vscode.Uri.from({ scheme, path: `/step-${call.step}-now.md`, query: String(stamp) });
    // The last few comparisons stay readable (a reopened tab); older pages go.
    for (const old of [...this.pages.keys()].slice(0, Math.max(0, this.pages.size - 20))) this.pages.delete(old);
    this.pages.set(left.toString(), renderSummary(`LLM step ${call.step}: recorded answer`, recorded));
    this.pages.set(right.toString(), renderSummary(`LLM step ${call.step}: answer now (edited request)`, now));
    await vscode.commands.executeCommand('vscode.diff', left, right, `LLM step ${call.step}: recorded ↔ now`, { preview: false });
    return { recorded, now };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function registerPlayground(root: DisposableStore, forks: ForkService): Playground {
  const playground = root.add(new Playground(forks));
  root.add(vscode.commands.registerCommand(Commands.playground, (target: string | StepItem, llmStep?: number) => {
    if (typeof target === 'string') return playground.open(target, llmStep ?? 0);
    return target.llmStep ? playground.open(target.sessionId, target.llmStep) : undefined;
  }));
  root.add(vscode.commands.registerCommand(Commands.sendPlayground, (doc?: vscode.TextDocument) => {
    const target = doc ?? vscode.window.activeTextEditor?.document;
    return target ? playground.send(target) : undefined;
  }));
  return playground;
}
