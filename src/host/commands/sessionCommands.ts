import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportSessionFile, importSessionFile, type ExportFormat } from '../../core/sessionFiles';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { ReceiverService } from '../receiverService';
import type { SessionItem } from '../views/sessionsTree';

/** Session commands take the tree item they were invoked on, else the selection, else ask. */
export function registerSessionCommands(store: DisposableStore, receiver: ReceiverService, view: vscode.TreeView<SessionItem>): void {
  async function pick(item: SessionItem | undefined, verb: string): Promise<string | undefined> {
    if (item?.session) return item.session.id;
    if (view.selection[0]) return view.selection[0].session.id;
    const sessions = (await receiver.engine()).store.listSessions();
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage('Agent Debugger: there are no sessions yet.');
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(
      sessions.map((s) => ({ label: s.name, description: `${s.spanCount} spans`, id: s.id })),
      { title: `${verb} session` },
    );
    return chosen?.id;
  }

  const registrations = [
    vscode.commands.registerCommand(Commands.renameSession, async (item?: SessionItem) => {
      const id = await pick(item, 'Rename');
      if (!id) return;
      const engine = await receiver.engine();
      const current = engine.store.getSession(id);
      const name = await vscode.window.showInputBox({ title: 'Rename session', value: current?.name, validateInput: (v) => (v.trim() ? undefined : 'A name is needed') });
      if (name?.trim()) engine.store.renameSession(id, name.trim());
    }),
    vscode.commands.registerCommand(Commands.deleteSession, async (item?: SessionItem) => {
      const id = await pick(item, 'Delete');
      if (id) (await receiver.engine()).store.deleteSession(id);
    }),
    vscode.commands.registerCommand(Commands.clearSessions, async (options?: { confirm?: boolean }) => {
      const engine = await receiver.engine();
      const count = engine.store.listSessions().length;
      if (count === 0) return;
      if (options?.confirm !== false) {
        const answer = await vscode.window.showWarningMessage(`Delete all ${count} sessions?`, { modal: true }, 'Delete All');
        if (answer !== 'Delete All') return;
      }
      engine.store.clear();
    }),
    vscode.commands.registerCommand(Commands.exportSession, async (item?: SessionItem, target?: { format: ExportFormat; path: string }) => {
      const id = await pick(item, 'Export');
      if (!id) return undefined;
      const engine = await receiver.engine();
      const session = engine.store.getSession(id);
      let format = target?.format;
      format ??= (
        await vscode.window.showQuickPick(
          [
            { label: 'OTLP JSON', description: '.otlp.json — re-postable to any OTLP/HTTP endpoint', format: 'otlp-json' as const },
            { label: 'SQLite', description: '.sqlite — the session as a database', format: 'sqlite' as const },
          ],
          { title: `Export '${session?.name ?? id}'` },
        )
      )?.format;
      if (!format) return undefined;
      let file = target?.path;
      if (!file) {
        const base = (session?.name ?? id).replace(/[^\w.-]+/g, '-').slice(0, 60);
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const defaultUri = folder ? vscode.Uri.joinPath(folder, base + (format === 'sqlite' ? '.sqlite' : '.otlp.json')) : undefined;
        file = (await vscode.window.showSaveDialog({ defaultUri, filters: format === 'sqlite' ? { SQLite: ['sqlite', 'db'] } : { 'OTLP JSON': ['json'] } }))?.fsPath;
      }
      if (!file) return undefined;
      const result = await exportSessionFile(engine.store, id, file, format);
      void vscode.window.showInformationMessage(`Exported ${result.spans} spans to ${path.basename(file)}.`);
      return file;
    }),
    vscode.commands.registerCommand(Commands.importSession, async (file?: string) => {
      file ??= (
        await vscode.window.showOpenDialog({
          canSelectMany: false,
          filters: { 'Agent sessions': ['json', 'jsonl', 'sqlite', 'db'] },
          title: 'Import session',
        })
      )?.[0]?.fsPath;
      if (!file) return undefined;
      const engine = await receiver.engine();
      try {
        const result = await importSessionFile(engine.store, file);
        void vscode.window.showInformationMessage(`Imported ${result.spans} spans into ${result.sessionIds.length} session(s) from ${path.basename(file)}.`);
        return result;
      } catch (e) {
        void vscode.window.showErrorMessage(`Could not import ${path.basename(file)}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }),
  ];
  for (const r of registrations) store.add(r);
}
