// The workspace source index, kept in the engine worker: the host reads the files (it has the workspace)
// and sends their text; the worker, which has the steps, locates them (for the CodeLens numbers, the
// debuggers, the graph's inspector and editor follow, the safety diagnostics). The host keeps no index.
import type { AgentStep, SourceLocation, SpanInput } from '../agent/types';
import type { SourceFilesParams } from '../../protocol/engine';
import { foldersOf, isTied, ResolutionCache, resolutionOf, withResolution } from './resolveStep';
import { SourceIndex } from './sourceIndex';

/** A session's steps and spans, and the folder of the program its launch ran (when it was launched). */
export interface Run {
  steps: readonly AgentStep[];
  inputs: readonly SpanInput[];
  folder?: string;
}

export class SourceMirror {
  private index = new SourceIndex();
  private readonly resolutions = new ResolutionCache();
  private version = 0;
  private readonly near = new WeakMap<readonly AgentStep[], { generation: number; folder?: string; folders: ReadonlySet<string> }>();

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
   * Where each step is (by index), without touching the steps: what the CodeLens numbers
   * (stepStatsByLocation) and the debuggers' view (debugView) place them by.
   */
  locationsOf({ steps, inputs, folder }: Run): (SourceLocation | undefined)[] {
    const byId = new Map<string, SpanInput>();
    for (const input of inputs) byId.set(input.span.spanId, input);
    const places = steps.map((step) => {
      const r = resolutionOf(step, this.index, byId, this.resolutions);
      return 'location' in r ? r.location : undefined;
    });
    // A name several files define goes to the one beside the rest of the run (or its launch's program).
    const near = this.nearOf(steps, places, folder);
    if (near.size) {
      places.forEach((p, i) => {
        if (!p || !isTied(p)) return;
        const r = resolutionOf(steps[i]!, this.index, byId, this.resolutions, near);
        places[i] = 'location' in r ? r.location : undefined;
      });
    }
    return places;
  }

  /**
   * A copy of one step with its source or why it has none (`input`: its span): what the editor opens, the
   * inspector says. `run`: the steps of its session, to settle a name several files define as locationsOf does
   * (asked for only then).
   */
  located(step: AgentStep, input: SpanInput | undefined, run?: () => Run | undefined): AgentStep {
    const inputs = new Map(input ? [[step.id, input]] : []);
    let r = resolutionOf(step, this.index, inputs, this.resolutions);
    const tiedRun = run && 'location' in r && isTied(r.location) ? run() : undefined;
    if (tiedRun) r = resolutionOf(step, this.index, inputs, this.resolutions, this.nearOfRun(tiedRun));
    return withResolution(step, r);
  }

  /** nearOf for a run whose places may not be known yet (placing it once per steps and index state). */
  private nearOfRun(run: Run): ReadonlySet<string> {
    const kept = this.near.get(run.steps);
    if (kept?.generation === this.version && kept.folder === run.folder) return kept.folders;
    this.locationsOf(run);
    return this.near.get(run.steps)?.folders ?? new Set();
  }

  /** The folders where a run's steps were found without a tie (and its program's), once per steps, folder and index state. */
  private nearOf(steps: readonly AgentStep[], places: readonly (SourceLocation | undefined)[], folder: string | undefined): ReadonlySet<string> {
    const kept = this.near.get(steps);
    if (kept?.generation === this.version && kept.folder === folder) return kept.folders;
    const folders = foldersOf(places);
    if (folder !== undefined) folders.add(folder.replace(/[\\/]+$/, ''));
    this.near.set(steps, { generation: this.version, folder, folders });
    return folders;
  }
}
