import type * as vscode from 'vscode';

/** Owns disposables; anything added after dispose() is disposed at once (no leaks from late async work). */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Reverse order: later pieces may depend on earlier ones.
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (e) {
        console.error('[agent-debugger] dispose failed', e);
      }
    }
  }
}
