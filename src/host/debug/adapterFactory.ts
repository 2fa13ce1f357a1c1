// Both adapters run in-process (DebugAdapterInlineImplementation): they read the store directly.
import * as vscode from 'vscode';
import { normaliseSession, type AgentStep } from '../../core/agent';
import { AgentLaunchSession } from '../../core/debug/agentLaunchSession';
import { ReplaySession, type LoadedSession, type ReplayLaunchArgs } from '../../core/debug/replaySession';
import { locateByAttributes, type Locate } from '../../core/debug/sourcePaths';
import type { SourceLinks } from '../editor/sourceLinks';
import type { ReceiverService } from '../receiverService';
import { agentOptions } from '../settings';
import { DebugTypes } from './debugTypes';

export class AgentAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  /** The step -> source resolver: steps arrive located by core/sources (see steps()), so their source is it. */
  locate: Locate = locateByAttributes;

  constructor(private readonly receiver: ReceiverService, private readonly sources?: SourceLinks) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    // The step's line opens beside the graph before VS Code reveals the frame: one editor, reused.
    const beforeStop = async (step: AgentStep) => void (await this.sources?.open(step, { follow: true, label: `${step.kind} · ${step.name}` }));
    if (session.type === DebugTypes.replay) {
      return new vscode.DebugAdapterInlineImplementation(new ReplaySession({ locate: this.locate, sourceRoots: roots, beforeStop, load: (args) => this.load(args) }));
    }
    return new vscode.DebugAdapterInlineImplementation(
      new AgentLaunchSession({ locate: this.locate, sourceRoots: roots, beforeStop, defaultCwd: session.workspaceFolder?.uri.fsPath ?? roots[0], loadSteps: (id) => this.steps(id) }),
    );
  }

  async steps(sessionId: string): Promise<AgentStep[]> {
    const engine = await this.receiver.engine();
    const inputs = await engine.readSession(sessionId);
    const steps = normaliseSession(inputs, agentOptions());
    // Frames and line breakpoints use the same locations as the graph: attributes, stacks, tool and prompt index.
    await this.sources?.annotate(steps, inputs);
    return steps;
  }

  private async load(args: ReplayLaunchArgs): Promise<LoadedSession> {
    const engine = await this.receiver.engine();
    let id = args.sessionId;
    if (!id && args.file) {
      const imported = await engine.importFile(args.file);
      id = imported.sessionIds[0];
      if (!id) throw new Error(`${args.file} holds no spans to replay.`);
    }
    const summary = id ? engine.getSession(id) : undefined;
    if (!summary) throw new Error(id ? `No session '${id}' in the store (it may have been deleted or evicted).` : 'Name a sessionId or a file to replay.');
    return { id: summary.id, name: summary.name, steps: await this.steps(summary.id) };
  }
}
