// `agent-replay`: a recorded session in the debugger. Continue runs to the next breakpoint, filter or
// breakOn hit; step over/into/out move through the step tree; step back and reverse continue go back in
// time. Nothing runs: the steps come from the store (or a file) through `load`.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugSteps } from './debugView';
import { StepDebugSession, type StepLaunchArgs, type StepSessionOptions } from './stepSession';

export interface ReplayLaunchArgs extends StepLaunchArgs {
  /** A session in the store. */
  sessionId?: string;
  /** Or an OTLP JSON / session file to import first. */
  file?: string;
  /** Stop on the first step (default true); false runs to the first stop. */
  stopOnEntry?: boolean;
}

export interface LoadedSession extends DebugSteps {
  id: string;
  name: string;
}

export interface ReplayOptions extends StepSessionOptions {
  /** The session `args` name, with its breakOn conditions judged over its steps (`breakOn`: their texts). */
  load(args: ReplayLaunchArgs, breakOn: string[]): Promise<LoadedSession>;
}

export class ReplaySession extends StepDebugSession {
  constructor(private readonly options: ReplayOptions) {
    super(options);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: ReplayLaunchArgs): Promise<void> {
    try {
      this.applyCommonArgs(args);
      const session = await this.options.load(args, this.breakOn);
      if (session.view.parent.length === 0) throw new Error(`Session '${session.name}' has no steps to replay.`);
      this.sessionId = session.id;
      this.sessionName = session.name;
      this.setSteps(session);
    } catch (e) {
      return this.fail(response, e);
    }
    this.ready();
    await this.configurationDone;
    this.sendResponse(response);
    if (args.stopOnEntry === false) this.continueThroughSteps();
    else this.stopOn(0, { reason: 'entry', description: 'First step of the session' });
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.continueThroughSteps();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    this.stopOn(this.cursor ?? 0, { reason: 'pause' });
  }
}
