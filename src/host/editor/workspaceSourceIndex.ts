import * as vscode from 'vscode';
import { isIndexable, skippedFolders, SourceIndex } from '../../core/sources';
import type { SourceFilesParams } from '../../protocol/engine';
import type { Log } from '../log';

const include = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,md,txt,prompty,prompt,jinja,jinja2,j2,yaml,yml,mustache,hbs,tmpl}';
const exclude = `**/{${skippedFolders.join(',')}}/**`;
/** Files read at once while indexing. */
const batchSize = 25;
/** Scanning is synchronous: past this much of it, the host's thread is given back before the next file. */
const sliceMs = 8;
/** The first index stops here (and says so): a huge monorepo must not keep the host busy. */
const timeBudgetMs = 20_000;

/**
 * The core SourceIndex kept up to date with the workspace: built in the background after activation,
 * then file by file from a watcher. Folders like node_modules and venv are never read.
 */
export class WorkspaceSourceIndex implements vscode.Disposable {
  readonly index = new SourceIndex();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires (debounced) when files were indexed or removed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private debounce: NodeJS.Timeout | undefined;
  private building: Promise<void> | undefined;

  /**
   * `mirror`: where the files' texts go too, in order (the engine worker's copy, for the CodeLens numbers);
   * `onMirrorLost`: fires when that copy is gone (a new worker), and the index is sent again.
   */
  constructor(private readonly log: Log, private readonly mirror: (p: SourceFilesParams) => Promise<unknown> = () => Promise.resolve(), onMirrorLost?: vscode.Event<void>) {
    if (onMirrorLost) this.disposables.push(onMirrorLost(() => this.building && void this.rebuild()));
    // Until something needs a location, edits cost nothing: the first build reads the files as they are then.
    const watcher = vscode.workspace.createFileSystemWatcher(include);
    const reindex = (uri: vscode.Uri) => {
      if (this.building) void this.indexFile(uri).then((ok) => ok && this.fire());
    };
    watcher.onDidCreate(reindex, undefined, this.disposables);
    watcher.onDidChange(reindex, undefined, this.disposables);
    watcher.onDidDelete((uri) => {
      if (!this.building) return;
      this.index.remove(uri.fsPath);
      this.send({ files: [], removed: [uri.fsPath] });
      this.fire();
    }, undefined, this.disposables);
    this.disposables.push(watcher);
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (this.building) void this.rebuild();
    }));
  }

  /** Resolves once the first index is complete (building it on first call: the first step to locate, not activation). */
  ready(): Promise<void> {
    return (this.building ??= this.build());
  }

  /** Counts every index change: callers cache against it. */
  get generation(): number {
    return this.index.generation;
  }

  private async rebuild(): Promise<void> {
    this.building = this.build();
    await this.building;
  }

  private async build(): Promise<void> {
    const started = Date.now();
    const folders = vscode.workspace.workspaceFolders ?? [];
    this.index.setRoots(folders.map((f) => f.uri.fsPath));
    this.send({ reset: true, roots: folders.map((f) => f.uri.fsPath), files: [], removed: [] });
    const uris = await vscode.workspace.findFiles(include, exclude, this.index.limits.maxFiles + 1);
    let read = 0;
    for (let i = 0; i < uris.length; i += batchSize) {
      if (Date.now() - started > timeBudgetMs) {
        this.log.warn(`source index: stopped after ${read} of ${uris.length} files (${timeBudgetMs / 1000} s budget); steps in the rest are located by code.* attributes and stack traces only`);
        break;
      }
      const batch = uris.slice(i, i + batchSize);
      const texts = await Promise.all(batch.map((u) => this.readIndexable(u)));
      this.send({ files: texts.flatMap((text, j) => (text === undefined ? [] : [{ path: batch[j]!.fsPath, text }])), removed: [] });
      let slice = performance.now();
      for (const [j, text] of texts.entries()) {
        if (text !== undefined) this.index.update(batch[j]!.fsPath, text);
        read++;
        if (performance.now() - slice > sliceMs) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
    }
    if (this.index.truncated) this.log.warn(`source index: ${this.index.truncated} files left out (limits: ${this.index.limits.maxFiles} files, ${this.index.limits.maxFileBytes} bytes each)`);
    this.log.info(`source index: ${this.index.fileCount} files in ${Date.now() - started} ms`);
    this.fire();
  }

  private async indexFile(uri: vscode.Uri): Promise<boolean> {
    const text = await this.readIndexable(uri);
    if (text === undefined) return false;
    this.send({ files: [{ path: uri.fsPath, text }], removed: [] });
    return this.index.update(uri.fsPath, text);
  }

  /** To the mirror, in order. A copy lost with a dead worker is sent again whole (onMirrorLost); a failed send is dropped. */
  private send(p: SourceFilesParams): void {
    void this.mirror(p).catch(() => undefined);
  }

  /** A file's text if it is one to index; one too big, or gone between listing and reading, leaves the index. */
  private async readIndexable(uri: vscode.Uri): Promise<string | undefined> {
    if (uri.scheme !== 'file' || !isIndexable(uri.fsPath) || uri.fsPath.split(/[\\/]/).some((s) => skippedFolders.includes(s))) return undefined;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size <= this.index.limits.maxFileBytes) return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      // gone: removed below
    }
    this.index.remove(uri.fsPath);
    this.send({ files: [], removed: [uri.fsPath] });
    return undefined;
  }

  private fire(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.changed.fire(), 300);
  }

  dispose(): void {
    clearTimeout(this.debounce);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
