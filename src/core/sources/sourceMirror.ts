// The engine worker's copy of the workspace source index: the host reads the files (it has the workspace)
// and sends their text; the worker, which has the steps, locates them (for the CodeLens numbers and the
// debuggers), so a long session's steps never cross to VS Code's thread for them.
import type { AgentStep, SourceLocation, SpanInput } from '../agent/types';
import type { SourceFilesParams } from '../../protocol/engine';
import { ResolutionCache, resolutionOf } from './resolveStep';
import { SourceIndex } from './sourceIndex';

export class SourceMirror {
  private index = new SourceIndex();
  private readonly resolutions = new ResolutionCache();
  private version = 0;

  /** Files indexed again or dropped (all of them on `reset`); answers how many are indexed. */
  apply(p: SourceFilesParams): number {
    this.version++;
    if (p.reset) this.index = new SourceIndex();
    if (p.roots) this.index.setRoots(p.roots);
    for (const path of p.removed) this.index.remove(path);
    for (const f of p.files) this.index.update(f.path, f.text);
    return this.index.fileCount;
  }

  /** Changes with every change of the files: numbers made before it are stale. */
  get generation(): number {
    return this.version;
  }

  /**
   * Where each step is (by index), as the host's annotateSources would set its `source`, without touching
   * the steps: what the CodeLens numbers (stepStatsByLocation) and the debuggers' view (debugView) place them by.
   */
  locationsOf(steps: readonly AgentStep[], inputs: readonly SpanInput[]): (SourceLocation | undefined)[] {
    const byId = new Map<string, SpanInput>();
    for (const input of inputs) byId.set(input.span.spanId, input);
    return steps.map((step) => {
      const r = resolutionOf(step, this.index, byId, this.resolutions);
      return 'location' in r ? r.location : undefined;
    });
  }
}
