// "Re-run from here": the gateway keeps each launched run's LLM exchanges (a cassette per session, the
// last few sessions only) and the launch configuration as the user wrote it. Forking at step N opens
// that step's request as an editable JSON document; running it launches the same configuration again
// with the gateway replaying steps before N from the cassette ($0), sending step N with the edit, and
// leaving every later step live. The new session's spans name their parent and the fork step.
import * as vscode from 'vscode';
import { type Cassette, CassetteRecorder } from '../../core/gateway/cassette';
import type { RunRouteOptions } from '../../core/gateway/routes';
import { Replayer } from '../../core/gateway/replayer';
import { attr } from '../../core/gateway/spans';
import { Commands } from '../contributions';
import { setting } from '../settings';

export const forkParentAttribute = 'agent_debugger.fork.parent_session';
export const forkStepAttribute = 'agent_debugger.fork.step';

/** Written into a fork's launch configuration. */
interface ForkConfigFields {
  agentDebuggerFork?: { parentSessionId: string; step: number; request: unknown };
}

interface Launch {
  folder: vscode.WorkspaceFolder | undefined;
  config: vscode.DebugConfiguration;
}

interface PendingFork {
  parentSessionId: string;
  step: number;
}

const keptSessions = 20;
const warnedKey = 'agentDebugger.fork.toolsWarned';

export class ForkService implements vscode.Disposable {
  private readonly recorders = new Map<string, CassetteRecorder>();
  private readonly launches = new Map<string, Launch>();
  private readonly cassettes = new Map<string, Cassette>();
  private readonly pending = new Map<string, PendingFork>();
  /** Running forks (session id -> parent session id): the run comparison opens when they end. */
  private readonly running = new Map<string, string>();
  private readonly ended: vscode.Disposable;

  constructor(private readonly memento: vscode.Memento) {
    this.ended = vscode.debug.onDidTerminateDebugSession((s) => {
      const id = (s.configuration as { agentDebuggerSessionId?: string }).agentDebuggerSessionId;
      const parent = id && this.running.get(id);
      if (!id || !parent) return;
      this.running.delete(id);
      void vscode.commands.executeCommand(Commands.compareSessions, parent, id);
    });
  }

  dispose(): void {
    this.ended.dispose();
  }

  /** The gateway route options of a run being launched: record it, and replay it when it is a fork. */
  routeOptions(config: vscode.DebugConfiguration & ForkConfigFields, sessionId: string): Pick<RunRouteOptions, 'onExchange' | 'responder'> {
    const recorder = new CassetteRecorder();
    this.keep(this.recorders, sessionId, recorder);
    const { agentDebuggerFork: fork, ...original } = config;
    this.keep(this.launches, sessionId, { folder: vscode.workspace.workspaceFolders?.[0], config: structuredClone(original) });
    const parent = fork && this.cassette(fork.parentSessionId);
    if (!fork || !parent) return { onExchange: recorder.listener };
    this.keep(this.running, sessionId, fork.parentSessionId);
    const replayer = new Replayer(parent, {
      onDivergence: setting('replay.onDivergence') ?? 'live',
      fork: { step: fork.step, request: fork.request },
      attributes: [attr.str(forkParentAttribute, fork.parentSessionId), attr.int(forkStepAttribute, fork.step)],
    });
    return { onExchange: recorder.listener, responder: replayer.responder };
  }

  /** A session's cassette, when the gateway recorded it in this window. */
  cassette(sessionId: string): Cassette | undefined {
    const recorder = this.recorders.get(sessionId);
    if (recorder?.size) this.cassettes.set(sessionId, recorder.cassette());
    return this.cassettes.get(sessionId);
  }

  /** Opens step `step`'s request (1-based LLM call of the session) as an editable document. */
  async openStep(sessionId: string, step: number): Promise<vscode.TextDocument | undefined> {
    const cassette = this.cassette(sessionId);
    if (!cassette || !this.launches.has(sessionId)) {
      void vscode.window.showWarningMessage('Re-run from here needs a run launched from VS Code with the LLM gateway on (agentDebugger.gateway.enabled): this session was not recorded by it.');
      return undefined;
    }
    const x = cassette.exchanges[step - 1];
    if (!x) {
      void vscode.window.showWarningMessage(`This session has ${cassette.exchanges.length} LLM call(s); there is no step ${step}.`);
      return undefined;
    }
    if (!this.memento.get<boolean>(warnedKey)) {
      const ok = await vscode.window.showWarningMessage('Tools run for real in a fork: only LLM calls before the fork step are replayed from the recording. Files your agent writes, commands it runs and APIs it calls (other than the LLM) happen again.', { modal: true }, 'Continue');
      if (ok !== 'Continue') return undefined;
      await this.toolsRunForRealAcknowledged();
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(x.request, null, 2) });
    this.pending.set(doc.uri.toString(), { parentSessionId: sessionId, step });
    await vscode.window.showTextDocument(doc);
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
    let request: unknown;
    try {
      request = JSON.parse(doc.getText()) as unknown;
    } catch (e) {
      void vscode.window.showErrorMessage(`The edited request is not JSON: ${(e as Error).message}`);
      return false;
    }
    const launch = this.launches.get(fork.parentSessionId)!;
    const config: vscode.DebugConfiguration & ForkConfigFields = {
      ...structuredClone(launch.config),
      name: `${launch.config.name} (forked at step ${fork.step})`,
      agentDebuggerFork: { parentSessionId: fork.parentSessionId, step: fork.step, request },
    };
    // A new run: the launcher gives it its own session, endpoints and gateway route.
    // (and VS Code's own `__` fields of the parent's session).
    for (const k of Object.keys(config)) if (k.startsWith('__') || (k.startsWith('agentDebugger') && k !== 'agentDebugger' && k !== 'agentDebuggerFork')) delete config[k];
    // The edited request is an untitled document: saving editors before the launch would ask where to save it.
    return vscode.debug.startDebugging(launch.folder, config, { suppressSaveBeforeStart: true });
  }

  private keep<T>(map: Map<string, T>, key: string, value: T): void {
    map.set(key, value);
    for (const old of map.keys()) {
      if (map.size <= keptSessions) break;
      map.delete(old);
    }
  }
}
