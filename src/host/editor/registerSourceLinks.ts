import type * as vscode from 'vscode';
import type { DisposableStore } from '../disposables';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';
import { SourceLinks } from './sourceLinks';
import { StepCodeLens } from './stepCodeLens';
import { WorkspaceSourceIndex } from './workspaceSourceIndex';

export interface SourceLinkServices {
  readonly index: WorkspaceSourceIndex;
  readonly links: SourceLinks;
  readonly codeLens: StepCodeLens;
}

/** Span <-> source: the workspace index (built in the background), editor links and CodeLens. */
export function registerSourceLinks(root: DisposableStore, extensionUri: vscode.Uri, receiver: ReceiverService, log: Log): SourceLinkServices {
  // The engine worker keeps a copy of the index: the CodeLens numbers are made there, where the steps are.
  const index = root.add(new WorkspaceSourceIndex(log, (p) => receiver.engine().then((e) => e.derived.sourceFiles(p)), receiver.onDidRestartEngine));
  const links = root.add(new SourceLinks(index, extensionUri));
  const codeLens = root.add(new StepCodeLens(receiver, links));
  return { index, links, codeLens };
}
