import * as vscode from 'vscode';
import { defaultLimits, isIndexable, skippedFolders } from '../../core/sources';
import type { SourceFilesParams } from '../../protocol/engine';
import type { Log } from '../log';

const include = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,md,txt,prompty,prompt,jinja,jinja2,j2,yaml,yml,mustache,hbs,tmpl}';
const exclude = `**/{${skippedFolders.join(',')}}/**`;
/** Files read at once while indexing. */
const batchSize = 25;
/** The first index stops here (and says so): a huge monorepo must not keep the host busy. */
const timeBudgetMs = 20_000;

/**
 * The workspace's files for the source index, kept up to date: read in the background on first need,
 * then file by file from a watcher, and sent to the engine's worker, which indexes them (SourceMirror)
 * and locates steps there. This thread reads and sends; it does not scan them. Folders like
 * node_modules and venv are never read.
 */
export class WorkspaceSourceIndex implements vscode.Disposable {
  private readonly files = new Set<string>();
  /** Files left out (over the file count or size limits) in the last build. */
  private truncated = 0;
  private version = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires (debounced) when files were indexed or removed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private debounce: NodeJS.Timeout | undefined;
  private building: Promise<void> | undefined;

  /**
   * `mirror`: where the files' texts go, in order (the engine worker's index);
   * `onMirrorLost`: fires when that index is gone (a new worker), and the files are sent again.
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
      this.drop(uri.fsPath);
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

  /** Counts every change of the files sent: callers cache against it. */
  get generation(): number {
    return this.version;
  }

  private async rebuild(): Promise<void> {
    this.building = this.build();
    await this.building;
  }

  private async build(): Promise<void> {
    const started = Date.now();
    const folders = vscode.workspace.workspaceFolders ?? [];
    this.files.clear();
    this.version++;
    this.send({ reset: true, roots: folders.map((f) => f.uri.fsPath), files: [], removed: [] });
    const found = await vscode.workspace.findFiles(include, exclude, defaultLimits.maxFiles + 1);
    const uris = found.slice(0, defaultLimits.maxFiles);
    this.truncated = found.length - uris.length;
    let read = 0;
    for (let i = 0; i < uris.length; i += batchSize) {
      if (Date.now() - started > timeBudgetMs) {
        this.log.warn(`source index: stopped after ${read} of ${uris.length} files (${timeBudgetMs / 1000} s budget); steps in the rest are located by code.* attributes and stack traces only`);
        break;
      }
      const batch = uris.slice(i, i + batchSize);
      const texts = await Promise.all(batch.map((u) => this.readIndexable(u)));
      const files = texts.flatMap((text, j) => (text === undefined ? [] : [{ path: batch[j]!.fsPath, text }]));
      this.send({ files, removed: [] });
      for (const f of files) this.files.add(f.path);
      this.version++;
      read += batch.length;
    }
    if (this.truncated) this.log.warn(`source index: ${this.truncated} files left out (limits: ${defaultLimits.maxFiles} files, ${defaultLimits.maxFileBytes} bytes each)`);
    this.log.info(`source index: ${this.files.size} files read in ${Date.now() - started} ms`);
    this.fire();
  }

  private async indexFile(uri: vscode.Uri): Promise<boolean> {
    const text = await this.readIndexable(uri);
    if (text === undefined) return false;
    this.send({ files: [{ path: uri.fsPath, text }], removed: [] });
    this.files.add(uri.fsPath);
    this.version++;
    return true;
  }

  /** A file that is gone (or no longer one to index) leaves the index. */
  private drop(path: string): void {
    this.files.delete(path);
    this.version++;
    this.send({ files: [], removed: [path] });
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
      if (stat.size <= defaultLimits.maxFileBytes) return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      this.truncated++;
    } catch {
      // gone: removed below
    }
    this.drop(uri.fsPath);
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
