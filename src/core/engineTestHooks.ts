// What only the engine worker answers, for tests: it ends as a crash would, its heap limit, its model heap
// budget. The in-process engine has no thread of its own: these fail there.
import type { Worker } from 'node:worker_threads';
import type { MessageConnection } from 'vscode-jsonrpc';
import { EngineTestRequests, type ModelBudgetForTest } from '../protocol/engine';

export class EngineTestHooks {
  constructor(
    private readonly worker: () => Worker | undefined,
    private readonly connection: () => MessageConnection,
  ) {}

  /** The worker ends as if it crashed (resolves once it has); the client restarts it. */
  async exitWorker(code = 70): Promise<void> {
    const worker = this.inWorker();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.connection().sendRequest(EngineTestRequests.exitWorker, { code }).catch(() => undefined);
    await exited;
  }

  /** The worker's heap limit in bytes. */
  async heapLimit(): Promise<number> {
    this.inWorker();
    return this.connection().sendRequest(EngineTestRequests.heapLimit, {});
  }

  /** The worker's model heap budget as given ({}: its own), so that a small session is "too large". */
  async modelBudget(budget: ModelBudgetForTest): Promise<void> {
    this.inWorker();
    return this.connection().sendRequest(EngineTestRequests.modelBudget, budget);
  }

  private inWorker(): Worker {
    const worker = this.worker();
    if (!worker) throw new Error('the engine runs on this thread');
    return worker;
  }
}
