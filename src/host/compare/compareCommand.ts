import * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { ReceiverService } from '../receiverService';
import { agentOptions } from '../settings';
import { pickSession, type SessionArg } from '../commands/sessionCommands';
import { sessionIdOf, type SessionsNode } from '../views/sessionsTree';

const scheme = 'agent-debugger-compare';

/** Read-only virtual documents holding the two sides of a comparison. */
class CompareDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 1;

  add(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme, path: `/${this.next++}/${name.replace(/[\\/]/g, '-')}.md` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '(this comparison is gone: run Compare Sessions again)';
  }
}

export function registerCompareCommand(store: DisposableStore, receiver: ReceiverService, view: vscode.TreeView<SessionsNode>): void {
  const docs = new CompareDocuments();
  store.add(vscode.workspace.registerTextDocumentContentProvider(scheme, docs));
  // Arguments: left and right sessions (ids or tree items). From the tree with two selected, those two.
  store.add(
    vscode.commands.registerCommand(Commands.compareSessions, async (leftArg?: SessionArg, rightArg?: SessionArg | SessionsNode[]) => {
      let left: string | undefined;
      let right: string | undefined;
      const selected = Array.isArray(rightArg) ? rightArg.filter((n) => n.kind === 'session') : [];
      if (selected.length === 2) [left, right] = selected.map((n) => sessionIdOf(n) ?? '');
      else {
        left = await pickSession(receiver, view, leftArg, 'Compare (left)');
        if (!left) return undefined;
        right = typeof rightArg === 'string' ? rightArg : await pickOther(receiver, left);
      }
      if (!left || !right) return undefined;
      // Built and aligned in the worker: the two texts cross, not the sessions.
      const texts = await (await receiver.engine()).derived.compareSessions(left, right, agentOptions());
      const leftUri = docs.add(texts.leftName, texts.left);
      const rightUri = docs.add(texts.rightName, texts.right);
      await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, `${texts.leftName} ↔ ${texts.rightName} (${texts.pairs} aligned steps)`);
      return { left: leftUri.toString(), right: rightUri.toString(), pairs: texts.pairs };
    }),
  );
}

async function pickOther(receiver: ReceiverService, first: string): Promise<string | undefined> {
  const sessions = (await receiver.engine()).listSessions().filter((s) => s.id !== first);
  if (sessions.length === 0) {
    void vscode.window.showInformationMessage('Agent Debugger: a second session is needed to compare.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(sessions.map((s) => ({ label: s.name, description: `${s.spanCount} spans`, id: s.id })), { title: 'Compare with' }))?.id;
}
