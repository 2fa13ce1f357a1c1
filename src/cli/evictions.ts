// The CLI's store, with the caps given on the command line, saying on stderr every time the caps evict
// spans it answered 200 for: a line per eviction with its counts and the cap, and the total so far.
import { TraceEngine } from '../core/engine';
import type { StoreOptions } from '../core/store/spanStore';
import type { CliOptions } from './args';

export async function cliEngine(options: CliOptions, store: StoreOptions = {}): Promise<TraceEngine> {
  const engine = await TraceEngine.create({
    ...store,
    ...(options.maxSpans ? { maxSpans: options.maxSpans } : {}),
    ...(options.maxMemoryMb ? { maxBytes: options.maxMemoryMb * 2 ** 20 } : {}),
  });
  engine.store.onDidChange((change) => {
    for (const notice of change.notices ?? []) console.error(`agent-debugger: ${notice} (${engine.store.evictedSpans} spans evicted so far)`);
  });
  return engine;
}

/** The end line's note on evictions ('' when the caps evicted nothing). */
export function evictionSummary(engine: TraceEngine): string {
  const { maxSpans, maxBytes } = engine.store.settings;
  const evicted = engine.store.evictedSpans;
  if (!evicted) return '';
  return `; ${evicted} more spans were evicted to stay under the caps (${maxSpans} spans, ${Math.round(maxBytes / 2 ** 20)} MB: --max-spans, --max-memory-mb)`;
}
