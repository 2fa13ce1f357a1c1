import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportFormats, type SessionExportFormat } from '../../core/export/sessionExport';
import { ImportCancelled } from '../../core/import/otlpFile';
import { parseFilter, type SessionFilter } from '../../core/sessions/filter';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { ReceiverService } from '../receiverService';
import { agentOptions } from '../settings';
import { sessionIdOf, type SessionsNode, type SessionsTree } from '../views/sessionsTree';

/** What a command may be invoked with: a tree item, a session id (tests, other commands), or nothing. */
export type SessionArg = SessionsNode | string | undefined;

/** The session a command's argument names, else the selected one's. */
export function sessionOfArg(arg: SessionArg, view: vscode.TreeView<SessionsNode>): string | undefined {
  return typeof arg === 'string' ? arg : (sessionIdOf(arg) ?? sessionIdOf(view.selection[0]));
}

/** The session a command is about: its argument, else the selection, else ask. */
export async function pickSession(receiver: ReceiverService, view: vscode.TreeView<SessionsNode>, arg: SessionArg, verb: string): Promise<string | undefined> {
  const id = sessionOfArg(arg, view);
  if (id) return id;
  const sessions = (await receiver.engine()).listSessions();
  if (sessions.length === 0) {
    void vscode.window.showInformationMessage('Agent Debugger: there are no sessions yet.');
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(
    sessions.sort((a, b) => b.firstSpanMs - a.firstSpanMs).map((s) => ({ label: s.name, description: `${s.spanCount} spans · ${new Date(s.firstSpanMs).toLocaleString()}`, id: s.id })),
    { title: `${verb} session` },
  );
  return chosen?.id;
}

export function registerSessionCommands(store: DisposableStore, receiver: ReceiverService, view: vscode.TreeView<SessionsNode>, tree: SessionsTree, extensionUri: vscode.Uri): void {
  const registrations = [
    vscode.commands.registerCommand(Commands.renameSession, async (arg?: SessionArg, newName?: string) => {
      const id = await pickSession(receiver, view, arg, 'Rename');
      if (!id) return;
      const engine = await receiver.engine();
      const current = engine.getSession(id);
      const name = newName ?? (await vscode.window.showInputBox({ title: 'Rename session', value: current?.name, validateInput: (v) => (v.trim() ? undefined : 'A name is needed') }));
      if (name?.trim()) await engine.renameSession(id, name.trim());
    }),
    vscode.commands.registerCommand(Commands.deleteSession, async (arg?: SessionArg) => {
      const id = await pickSession(receiver, view, arg, 'Delete');
      if (id) await (await receiver.engine()).deleteSession(id);
    }),
    vscode.commands.registerCommand(Commands.clearSessions, async (options?: { confirm?: boolean }) => {
      const engine = await receiver.engine();
      const count = engine.listSessions().length;
      if (count === 0) return;
      if (options?.confirm !== false) {
        const answer = await vscode.window.showWarningMessage(`Delete all ${count} sessions?`, { modal: true }, 'Delete All');
        if (answer !== 'Delete All') return;
      }
      await engine.clear();
    }),
    // Arguments (all optional, so tests need no dialogs): session, { format, path }.
    vscode.commands.registerCommand(Commands.exportSession, async (arg?: SessionArg, target?: { format: SessionExportFormat; path: string }) => {
      const id = await pickSession(receiver, view, arg, 'Export');
      if (!id) return undefined;
      const engine = await receiver.engine();
      const session = engine.getSession(id);
      const format = target?.format ?? (await vscode.window.showQuickPick(exportFormats.map((f) => ({ ...f })), { title: `Export '${session?.name ?? id}'` }))?.format;
      const kind = exportFormats.find((f) => f.format === format);
      if (!kind) return undefined;
      let file = target?.path;
      if (!file) {
        const base = (session?.name ?? id).replace(/[^\w.-]+/g, '-').slice(0, 60);
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const defaultUri = folder ? vscode.Uri.joinPath(folder, base + kind.extension) : undefined;
        file = (await vscode.window.showSaveDialog({ defaultUri, filters: { [kind.label]: [kind.filter] } }))?.fsPath;
      }
      if (!file) return undefined;
      try {
        const result = await engine.exportSession(id, file, kind.format, { ...agentOptions(), assetsRoot: extensionUri.fsPath });
        const what = kind.format === 'eval-jsonl' ? `${result.records} lines` : kind.format === 'html' ? `${result.records} steps` : kind.format === 'cassette' ? `${result.records} LLM calls` : `${result.spans} spans`;
        void vscode.window.showInformationMessage(`Exported ${what} to ${path.basename(file)} (${kind.label}).`);
        return file;
      } catch (e) {
        void vscode.window.showErrorMessage(`Could not export '${session?.name ?? id}': ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }),
    // Argument: a path or a file Uri (drag and drop, tests). Returns the import result, or { error }.
    vscode.commands.registerCommand(Commands.importSession, async (arg?: string | vscode.Uri) => {
      const file = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : (
        await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Agent sessions': ['json', 'jsonl', 'sqlite', 'db'] }, title: 'Import session' })
      )?.[0]?.fsPath;
      if (!file) return undefined;
      const engine = await receiver.engine();
      try {
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Importing ${path.basename(file)}`, cancellable: true },
          (progress, token) => {
            let last = 0;
            return engine.importFile(file, {
              report: (read, total) => {
                const pct = Math.floor((read / total) * 100);
                if (pct > last) progress.report({ increment: pct - last, message: `${(read / 2 ** 20).toFixed(1)} of ${(total / 2 ** 20).toFixed(1)} MB` });
                last = pct;
              },
              get cancelled() {
                return token.isCancellationRequested;
              },
            });
          },
        );
        void vscode.window.showInformationMessage(`Imported ${result.spans} spans into ${result.sessionIds.length} session(s) from ${path.basename(file)}.`);
        for (const w of result.warnings ?? []) void vscode.window.showWarningMessage(`${path.basename(file)}: ${w}.`);
        return result;
      } catch (e) {
        if (e instanceof ImportCancelled) return { error: 'cancelled' };
        const error = e instanceof Error ? e.message : String(e);
        void vscode.window.showErrorMessage(`Could not import ${path.basename(file)}: ${error}. No session was changed.`);
        return { error };
      }
    }),
    // Argument: a filter string ("weather model:gpt-4o is:error") or a SessionFilter; without one, ask.
    vscode.commands.registerCommand(Commands.filterSessions, async (arg?: string | SessionFilter) => {
      const filter = typeof arg === 'object' ? arg : parseFilter(arg ?? (await vscode.window.showInputBox({
        title: 'Filter sessions',
        prompt: 'Text in names, prompts, outputs and tool args; model:NAME; is:error',
        placeHolder: 'e.g. weather model:gpt-4o is:error',
        value: '',
      })) ?? '');
      const description = tree.setFilter(filter);
      view.message = description ? `Filtered: ${description}` : undefined;
      view.description = description ? 'filtered' : undefined;
      return description;
    }),
    vscode.commands.registerCommand(Commands.clearSessionFilter, () => {
      tree.setFilter(undefined);
      view.message = undefined;
      view.description = undefined;
    }),
  ];
  for (const r of registrations) store.add(r);
}
