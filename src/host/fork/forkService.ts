// "Re-run from here": the gateway keeps each launched run's LLM exchanges (a cassette per session, kept in
// the store beside its spans so exports carry it) with the launch configuration as the user wrote it.
// Forking at step N opens that step's request (or its answer) as an editable JSON document; running it
// launches the same configuration again with the gateway replaying steps before N from the cassette ($0),
// sending step N with the edit (or answering with the edited answer), and leaving every later step live.
// A session the gateway did not record is forked from a cassette rebuilt from its spans, when they carry
// the model's whole output. The new session's spans name their parent and the fork step.
import * as vscode from 'vscode';
import { editedJson } from './editedJson';
import { type Cassette, type CassetteExchange, type CassetteLaunch, CassetteRecorder, launchRecord, parseCassette } from '../../core/gateway/cassette';
import { editableResponse } from '../../core/gateway/responseEdit';
import type { RunRouteOptions } from '../../core/gateway/routes';
import { Replayer } from '../../core/gateway/replayer';
import { attr } from '../../core/gateway/spans';
import { Commands } from '../contributions';
import type { ReceiverService } from '../receiverService';
import { agentOptions, setting } from '../settings';

export const forkParentAttribute = 'agent_debugger.fork.parent_session';
export const forkStepAttribute = 'agent_debugger.fork.step';

/** Written into a fork's launch configuration. */
interface ForkConfigFields {
  agentDebuggerFork?: { parentSessionId: string; step: number; request?: unknown; base?: unknown; response?: CassetteExchange['response'] };
}

type LaunchConfig = CassetteLaunch['config'];

interface PendingFork {
  parentSessionId: string;
  step: number;
  cassette: Cassette;
  launch: CassetteLaunch;
  /** What the document holds: the step's request, or its answer. */
  edits: 'request' | 'response';
  /** The document as opened (a rebuilt request: only what the user changes is applied). */
  base?: unknown;
}

export interface OpenStepOptions {
  /** Edit the step's answer instead of its request ("what if the model had called this tool"). */
  response?: boolean;
  /** The launch configuration (by name) that runs the agent, when the session does not say. */
  launchName?: string;
}

const keptSessions = 20;
const warnedKey = 'agentDebugger.fork.toolsWarned';
const forkDocumentKey = 'agentDebugger.forkDocument';
/** Cassettes reach the store this long after their last exchange (one write per burst of calls). */
const persistDelayMs = 300;

export class ForkService implements vscode.Disposable {
  private readonly recorders = new Map<string, CassetteRecorder>();
  private readonly launches = new Map<string, CassetteLaunch>();
  /** Cassettes forks replay from (the parent's, possibly rebuilt from spans). */
  private readonly cassettes = new Map<string, Cassette>();
  private readonly pending = new Map<string, PendingFork>();
  /** Running forks by session id: the run comparison opens when they end. */
  private readonly running = new Map<string, { parentSessionId: string; step: number; replayer: Replayer }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly memento: vscode.Memento, private readonly receiver: ReceiverService) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => {
        // Runs without the gateway are forkable too (from their spans): keep how they were launched.
        const id = sessionIdOf(s.configuration);
        if (id && !this.launches.has(id)) this.keep(this.launches, id, launchRecord(s.configuration as LaunchConfig, s.workspaceFolder?.name));
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => void vscode.commands.executeCommand('setContext', forkDocumentKey, !!e && this.pending.has(e.document.uri.toString()))),
      vscode.debug.onDidTerminateDebugSession((s) => {
        const id = sessionIdOf(s.configuration);
        if (id && this.recorders.has(id)) void this.persist(id);
        const fork = id && this.running.get(id);
        if (!id || !fork) return;
        this.running.delete(id);
        // Never a silent no-op: say why the edit was not applied.
        const { replayer: r } = fork;
        if (!r.forked) {
          const why = r.divergence ? `it diverged from the recording at step ${r.divergence.step} (${r.divergence.reason})` : r.calls === 0
            ? 'it made no LLM call through the LLM gateway (an in-process model, or a client the gateway does not route)'
            : `it made ${r.calls} LLM call(s) through the LLM gateway`;
          void vscode.window.showWarningMessage(`The fork never reached step ${fork.step}: ${why}. The edit was not applied.`);
        }
        void vscode.commands.executeCommand(Commands.compareSessions, fork.parentSessionId, id);
      }),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  /** The gateway route options of a run being launched: record it, and replay it when it is a fork. */
  routeOptions(config: vscode.DebugConfiguration & ForkConfigFields, sessionId: string): Pick<RunRouteOptions, 'onExchange' | 'responder'> {
    const recorder = new CassetteRecorder();
    this.keep(this.recorders, sessionId, recorder);
    const { agentDebuggerFork: fork, ...original } = config;
    this.keep(this.launches, sessionId, launchRecord(structuredClone(original) as LaunchConfig, vscode.workspace.workspaceFolders?.[0]?.name));
    const onExchange: RunRouteOptions['onExchange'] = (raw) => {
      recorder.listener(raw);
      this.schedulePersist(sessionId);
    };
    const parent = fork && this.cassettes.get(fork.parentSessionId);
    if (!fork || !parent) return { onExchange };
    const replayer = new Replayer(parent, {
      onDivergence: setting('replay.onDivergence') ?? 'live',
      fork: { step: fork.step, request: fork.request, base: fork.base, response: fork.response },
      attributes: [attr.str(forkParentAttribute, fork.parentSessionId), attr.int(forkStepAttribute, fork.step)],
    });
    this.keep(this.running, sessionId, { parentSessionId: fork.parentSessionId, step: fork.step, replayer });
    return { onExchange, responder: replayer.responder };
  }

  /** A session's cassette: recorded in this window, or kept in the store (an import's too). */
  async cassette(sessionId: string): Promise<Cassette | undefined> {
    const recorder = this.recorders.get(sessionId);
    if (recorder?.size) return { ...recorder.cassette(), ...this.launchOf(sessionId) };
    const stored = await (await this.receiver.engine()).storedCassette(sessionId);
    return stored === undefined ? undefined : parseCassette(stored, 'the stored cassette');
  }

  /** Opens step `step`'s request (1-based LLM call of the session), or its answer, as an editable document. */
  async openStep(sessionId: string, step: number, options: OpenStepOptions = {}): Promise<vscode.TextDocument | undefined> {
    const found = await this.cassetteFor(sessionId);
    if ('reason' in found) {
      void vscode.window.showWarningMessage(`Re-run from here cannot fork this session: ${found.reason}.`);
      return undefined;
    }
    const { cassette } = found;
    const x = cassette.exchanges[step - 1];
    if (!x) {
      void vscode.window.showWarningMessage(`This session has ${cassette.exchanges.length} LLM call(s); there is no step ${step}.`);
      return undefined;
    }
    const launch = cassette.launch ?? this.launches.get(sessionId) ?? (await this.askLaunch(options.launchName));
    if (!launch) return undefined;
    let content: unknown = x.request;
    if (options.response) {
      const edited = editableResponse(x);
      if ('reason' in edited) {
        void vscode.window.showWarningMessage(`The answer of step ${step} cannot be edited: ${edited.reason}.`);
        return undefined;
      }
      content = edited.body;
    }
    if (!this.memento.get<boolean>(warnedKey)) {
      const ok = await vscode.window.showWarningMessage('Tools run for real in a fork: only LLM calls before the fork step are replayed from the recording. Files your agent writes, commands it runs and APIs it calls (other than the LLM) happen again.', { modal: true }, 'Continue');
      if (ok !== 'Continue') return undefined;
      await this.toolsRunForRealAcknowledged();
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(content, null, 2) });
    this.pending.set(doc.uri.toString(), {
      parentSessionId: sessionId, step, cassette, launch, edits: options.response ? 'response' : 'request',
      ...(cassette.synthesized && !options.response ? { base: content } : {}),
    });
    await vscode.window.showTextDocument(doc);
    void vscode.commands.executeCommand('setContext', forkDocumentKey, true);
    void vscode.window.showInformationMessage(`Edit the ${options.response ? 'answer' : 'request'} of LLM step ${step}, then run "Agent Debugger: Run Fork" (the editor's ▷ button).`);
    return doc;
  }

  /** The user was told that tools run for real in a fork (asked once). */
  toolsRunForRealAcknowledged(): Thenable<void> {
    return this.memento.update(warnedKey, true);
  }

  /** Launches the fork whose request `doc` holds; resolves once the debug session started. */
  async run(doc: vscode.TextDocument): Promise<boolean> {
    const fork = this.pending.get(doc.uri.toString());
    if (!fork) {
      void vscode.window.showWarningMessage('This document is not a step opened with "Re-run from Here".');
      return false;
    }
    if (!setting('gateway.enabled')) {
      void vscode.window.showWarningMessage('A fork runs its LLM calls through the LLM gateway: turn on agentDebugger.gateway.enabled.');
      return false;
    }
    const parsed = editedJson(doc, fork.edits);
    if (!parsed) return false;
    const edited = parsed.value;
    this.keep(this.cassettes, fork.parentSessionId, fork.cassette);
    const launch = fork.launch;
    const edit = fork.edits === 'response'
      ? { response: { status: 200, contentType: 'application/json', chunks: [{ atMs: 0, text: JSON.stringify(edited) }] } }
      : { request: edited, ...(fork.base !== undefined ? { base: fork.base } : {}) };
    const config: vscode.DebugConfiguration & ForkConfigFields = {
      ...structuredClone(launch.config),
      name: `${launch.config.name} (forked at step ${fork.step})`,
      agentDebuggerFork: { parentSessionId: fork.parentSessionId, step: fork.step, ...edit },
    };
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === launch.folder) ?? vscode.workspace.workspaceFolders?.[0];
    // The edited request is an untitled document: saving editors before the launch would ask where to save it.
    return vscode.debug.startDebugging(folder, config, { suppressSaveBeforeStart: true });
  }

  /** The 1-based LLM call a step of a session is, or undefined when it is not an LLM step. */
  async llmStepOf(sessionId: string, stepId: string): Promise<number | undefined> {
    const engine = await this.receiver.engine();
    // Asked on every stop of the replay debugger: the worker numbers the step from the model it keeps.
    const ordinal = (await engine.graph.step(sessionId, stepId, agentOptions()))?.llmOrdinal;
    return ordinal ? ordinal : undefined;
  }

  /** The session's cassette (recorded, stored, or rebuilt from its spans), or why there is none. */
  async cassetteFor(sessionId: string): Promise<{ cassette: Cassette } | { reason: string }> {
    try {
      const recorded = await this.cassette(sessionId);
      if (recorded) return { cassette: recorded };
      const engine = await this.receiver.engine();
      if (!engine.getSession(sessionId)) return { reason: `there is no session '${sessionId}'` };
      return { cassette: await engine.sessionCassette(sessionId, agentOptions()) };
    } catch (e) {
      return { reason: (e as Error).message };
    }
  }

  private launchOf(sessionId: string): { launch?: CassetteLaunch } {
    const launch = this.launches.get(sessionId);
    return launch ? { launch } : {};
  }

  /** A launch configuration of the workspace for a session that does not say how it was launched. */
  private async askLaunch(name: string | undefined): Promise<CassetteLaunch | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const all = folders.flatMap((f) => (vscode.workspace.getConfiguration('launch', f.uri).get<LaunchConfig[]>('configurations') ?? []).map((config) => ({ folder: f.name, config })));
    const runnable = all.filter((c) => c.config.type !== 'agent-replay');
    const chosen = name !== undefined
      ? runnable.find((c) => c.config.name === name)
      : (await vscode.window.showQuickPick(runnable.map((c) => ({ label: c.config.name, description: c.folder, c })), { title: 'Which launch configuration runs this agent? (the session does not say)' }))?.c;
    if (!chosen) {
      if (name !== undefined || runnable.length === 0) void vscode.window.showWarningMessage(`Re-run from here needs the launch configuration that runs the agent: ${name !== undefined ? `there is none named '${name}'` : 'launch.json has none'}.`);
      return undefined;
    }
    return launchRecord(chosen.config, chosen.folder);
  }

  private schedulePersist(sessionId: string): void {
    clearTimeout(this.timers.get(sessionId));
    this.timers.set(sessionId, setTimeout(() => void this.persist(sessionId), persistDelayMs));
  }

  /** The session's cassette into the store (once the store has the session), so exports carry it. */
  private async persist(sessionId: string, attempts = 20): Promise<void> {
    this.timers.delete(sessionId);
    const recorder = this.recorders.get(sessionId);
    if (!recorder?.size) return;
    const engine = await this.receiver.engine();
    if (!engine.getSession(sessionId)) {
      // The run's spans are still on their way to the store.
      if (attempts > 0) this.timers.set(sessionId, setTimeout(() => void this.persist(sessionId, attempts - 1), 500));
      return;
    }
    await engine.putCassette(sessionId, JSON.stringify({ ...recorder.cassette(), ...this.launchOf(sessionId) }));
  }

  private keep<T>(map: Map<string, T>, key: string, value: T): void {
    map.set(key, value);
    for (const old of map.keys()) {
      if (map.size <= keptSessions) break;
      map.delete(old);
    }
  }
}

function sessionIdOf(config: vscode.DebugConfiguration): string | undefined {
  return (config as { agentDebuggerSessionId?: string }).agentDebuggerSessionId;
}
