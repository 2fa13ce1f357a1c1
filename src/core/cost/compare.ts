// The last runs side by side: "did my change make it cheaper?" Each run's $ is compared with the previous
// run of the same service (sessions of different agents are not comparable).
import type { Totals } from '../agent/rollups';
import type { ComparisonRowDto } from '../../protocol/cost';

export interface RunSummary {
  id: string;
  name: string;
  serviceName: string;
  startEpochMs: number;
  /** undefined: not summed (too large to do eagerly). */
  totals?: Pick<Totals, 'costUsd' | 'totalTokens' | 'llmCalls' | 'toolCalls' | 'errors' | 'wallTimeMs' | 'unpricedCalls'>;
}

/** `runs` newest first (as the store lists sessions); the newest `limit` are returned, newest first. */
export function compareRuns(runs: readonly RunSummary[], currentId: string | undefined, limit = 8): ComparisonRowDto[] {
  const shown = runs.slice(0, limit);
  return shown.map((r, i) => {
    const row: ComparisonRowDto = {
      id: r.id, name: r.name, serviceName: r.serviceName, startEpochMs: r.startEpochMs,
      costUsd: r.totals?.costUsd ?? 0, totalTokens: r.totals?.totalTokens ?? 0, llmCalls: r.totals?.llmCalls ?? 0,
      toolCalls: r.totals?.toolCalls ?? 0, errors: r.totals?.errors ?? 0, wallTimeMs: r.totals?.wallTimeMs ?? 0,
      priceMissing: (r.totals?.unpricedCalls ?? 0) > 0, current: r.id === currentId,
    };
    if (!r.totals) row.pending = true;
    // The previous run of the same service may be beyond the shown ones: look through all of them.
    const previous = runs.slice(i + 1).find((p) => p.serviceName === r.serviceName);
    if (r.totals && previous?.totals) row.deltaUsd = r.totals.costUsd - previous.totals.costUsd;
    return row;
  });
}
