// Both adapters run in-process (DebugAdapterInlineImplementation). What they hold of a session comes from
// the engine's worker (debugView): its steps located, without payloads, loops and breakOn judged there; a
// step's whole record is asked for when the Variables view shows it. No step is modelled on VS Code's thread.
import * as vscode from 'vscode';
import { AgentLaunchSession } from '../../core/debug/agentLaunchSession';
import type { DebugStep, DebugSteps } from '../../core/debug/debugView';
import { ReplaySession, type LoadedSession, type ReplayLaunchArgs } from '../../core/debug/replaySession';
import type { SourceLinks } from '../editor/sourceLinks';
import type { ReceiverService } from '../receiverService';
import { agentOptions } from '../settings';
import { DebugTypes } from './debugTypes';

export class AgentAdapterFactory implements vscode.DebugAdapterDescriptorFactory {

  constructor(private readonly receiver: ReceiverService, private readonly sources?: SourceLinks) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    // The step's line opens beside the graph before VS Code reveals the frame: one editor, reused.
    const beforeStop = async (step: DebugStep) => void (await this.sources?.open(step, { follow: true, label: `${step.kind} · ${step.name}` }));
    if (session.type === DebugTypes.replay) {
      return new vscode.DebugAdapterInlineImplementation(new ReplaySession({ sourceRoots: roots, beforeStop, load: (args, breakOn) => this.load(args, breakOn) }));
    }
    return new vscode.DebugAdapterInlineImplementation(
      new AgentLaunchSession({ sourceRoots: roots, beforeStop, defaultCwd: session.workspaceFolder?.uri.fsPath ?? roots[0], loadSteps: (id, breakOn) => this.steps(id, breakOn) }),
    );
  }

  /** Frames and line breakpoints use the graph's locations: attributes, stacks, tool and prompt index (the worker's copy). */
  async steps(sessionId: string, breakOn: string[]): Promise<DebugSteps> {
    const engine = await this.receiver.engine();
    await this.sources?.workspace.ready();
    const view = await engine.derived.debugView(sessionId, agentOptions(), breakOn);
    return { view, detail: async (stepId) => (await engine.graph.step(sessionId, stepId, agentOptions()))?.step };
  }

  private async load(args: ReplayLaunchArgs, breakOn: string[]): Promise<LoadedSession> {
    const engine = await this.receiver.engine();
    let id = args.sessionId;
    if (!id && args.file) {
      const imported = await engine.importFile(args.file);
      id = imported.sessionIds[0];
      if (!id) throw new Error(`${args.file} holds no spans to replay.`);
    }
    const summary = id ? engine.getSession(id) : undefined;
    if (!summary) throw new Error(id ? `No session '${id}' in the store (it may have been deleted or evicted).` : 'Name a sessionId or a file to replay.');
    return { id: summary.id, name: summary.name, ...(await this.steps(summary.id, breakOn)) };
  }
}
