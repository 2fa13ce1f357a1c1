// `--out FILE` of serve and record. OTLP files are written as spans arrive (core/export/liveOtlpFile.ts):
// an interrupted run, or one past the store's caps, keeps every span stored; `--format otlp-json` turns the
// lines into one document at the end. SQLite can only be written whole, from the store, at the end.
import type { TraceEngine } from '../core/engine';
import { LiveOtlpFile, linesToDocument } from '../core/export/liveOtlpFile';
import { writeSessionsFile, type ExportFormat } from '../core/sessionFiles';
import { evictionSummary } from './evictions';

export interface OutResult {
  /** "wrote N spans in T traces (S sessions) to FILE..." */
  summary: string;
  /** False when the file misses spans that were received (a write error). */
  ok: boolean;
}

export class OutFile {
  private readonly live: LiveOtlpFile | undefined;

  /** Throws (before anything is received) when the file cannot be written. */
  constructor(private readonly engine: TraceEngine, readonly file: string, private readonly format: ExportFormat) {
    if (format !== 'sqlite') this.live = new LiveOtlpFile(engine.store, file, (m) => console.error(`agent-debugger: ${m}`));
  }

  /** Call after engine.drain(): everything answered 200 is stored, so it is all written now. */
  async finish(): Promise<OutResult> {
    const { engine, file } = this;
    if (!this.live) {
      const w = await writeSessionsFile(engine.store, file, 'sqlite');
      return { summary: `wrote ${w.spans} spans in ${w.traces} traces (${w.sessions} sessions) to ${file}${evictionSummary(engine)}`, ok: true };
    }
    this.live.close();
    const c = this.live.counts;
    const error = this.live.error;
    if (!error && this.format === 'otlp-json') await linesToDocument(file);
    const evicted = engine.store.evictedSpans;
    const note = evicted ? `; the caps evicted ${evicted} of them from memory, not from the file` : '';
    const written = `wrote ${c.spans} spans in ${c.traces} traces (${c.sessions} sessions) to ${file}`;
    if (!error) return { summary: written + note, ok: true };
    return { summary: `${written} before a write error (${error.message}); spans received after it are not in the file`, ok: false };
  }
}
