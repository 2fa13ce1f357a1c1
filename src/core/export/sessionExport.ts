// One session to a file in any export format. OTLP JSON and SQLite come straight from the store; the HTML
// report and eval JSONL go through the agent model (with the user's prices), like the views do.
import { buildSession, type AgentSession } from '../agent';
import { byModel } from '../cost';
import { buildStoredSession, readSession } from '../agent/fromStore';
import type { AgentStep, SpanInput } from '../agent/types';
import type { SafetyFinding } from '../safety';
import type { PricingOptions } from '../pricing/price';
import { stat } from 'node:fs/promises';
import { writeOtlpFile } from '../sessionFiles';
import { writeFileAtomic, writeFileAtomicStream } from '../store/files';
import type { SpanStore } from '../store/spanStore';
import { evalRecords } from './evalJsonl';
import { renderHtmlReport, type ReportAssets } from './htmlReport';
import { reportData } from './reportData';
import { type Cassette, parseCassette } from '../gateway/cassette';
import { cassetteFromSteps } from '../gateway/cassetteFromSteps';

export type SessionExportFormat = 'otlp-json' | 'sqlite' | 'html' | 'eval-jsonl' | 'cassette';

export const exportFormats: { format: SessionExportFormat; label: string; description: string; extension: string; filter: string }[] = [
  { format: 'otlp-json', label: 'OTLP JSON', description: 're-postable to any OTLP/HTTP JSON endpoint, re-importable here', extension: '.otlp.json', filter: 'json' },
  { format: 'sqlite', label: 'SQLite', description: 'the session as a database of our schema', extension: '.sqlite', filter: 'sqlite' },
  { format: 'html', label: 'HTML report', description: 'one file: the graph with time travel and costs, opens offline', extension: '.html', filter: 'html' },
  { format: 'eval-jsonl', label: 'Eval JSONL', description: 'one line per LLM call or failed step, for eval tools', extension: '.eval.jsonl', filter: 'jsonl' },
  { format: 'cassette', label: 'Cassette', description: 'its LLM calls, for `agent-debugger replay --cassette` and forks', extension: '.cassette.json', filter: 'json' },
];

export interface SessionExportOptions {
  pricing?: PricingOptions;
  /** The built webview (HTML reports only). */
  assets?: () => Promise<ReportAssets>;
  /** Called once per span modelled (the engine's heap budget: it may throw, and the export stops). */
  check?: () => void;
  /** The session's model as the engine keeps it (built a slice at a time), for the formats that model it; else built here. */
  model?: () => Promise<ExportModel>;
}

/** A session's model, its spans and its safety findings (default options), as the engine keeps them. */
export interface ExportModel {
  session: AgentSession;
  inputs: readonly SpanInput[];
  safety: readonly SafetyFinding[];
}

export interface SessionExportResult {
  spans: number;
  /** Records written: spans (OTLP, SQLite), steps (HTML) or lines (eval JSONL). */
  records: number;
  bytes: number;
}

export async function exportSession(store: SpanStore, sessionId: string, file: string, format: SessionExportFormat, options: SessionExportOptions = {}): Promise<SessionExportResult> {
  const summary = store.getSession(sessionId);
  if (!summary) throw new Error(`no session ${sessionId}`);
  let data: string | Uint8Array;
  let records = summary.spanCount;
  if (format === 'otlp-json') {
    // Streamed a page at a time: a session of any size is written in bounded memory.
    await writeOtlpFile(store, [sessionId], file, false);
    return { spans: summary.spanCount, records, bytes: (await stat(file)).size };
  }
  if (format === 'sqlite') data = store.exportSessionSqlite(sessionId);
  else if (format === 'cassette') {
    const cassette = await sessionCassette(store, sessionId, async () => (options.model ? (await options.model()).session.steps : buildStoredSession(store, sessionId, { pricing: options.pricing }, options.check).steps));
    records = cassette.exchanges.length;
    data = JSON.stringify(cassette, null, 1);
  } else {
    const info = { id: summary.id, name: summary.name };
    if (format === 'eval-jsonl') {
      // A line at a time (in ~64 KB writes): one string of a large session's records is not needed.
      const built = options.model && (await options.model());
      const lines = built ? evalRecords(built.session, info, built.safety) : evalRecords(buildStoredSession(store, sessionId, { pricing: options.pricing }, options.check), info);
      await writeFileAtomicStream(file, async (write) => {
        let chunk = '';
        for (const r of lines) {
          chunk += `${JSON.stringify(r)}\n`;
          if (chunk.length >= 1 << 16) {
            await write(chunk);
            chunk = '';
          }
        }
        if (chunk) await write(chunk);
      });
      return { spans: summary.spanCount, records: lines.length, bytes: (await stat(file)).size };
    } else {
      if (!options.assets) throw new Error('the HTML report needs the built graph webview');
      // The report shows each step's raw span too: the spans are read first and kept.
      const built = options.model && (await options.model());
      const inputs = built?.inputs ?? readSession(store, sessionId, options.check);
      const session = built?.session ?? buildSession(inputs, { pricing: options.pricing });
      records = session.steps.length;
      data = htmlOf(session, info, inputs, await options.assets(), built?.safety);
    }
  }
  await writeFileAtomic(file, data);
  return { spans: summary.spanCount, records, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length };
}

/**
 * The cassette the gateway recorded for the session, else one rebuilt from its model's steps (`steps`, asked
 * only then); throws why neither exists.
 */
export async function sessionCassette(store: SpanStore, sessionId: string, steps: () => Promise<readonly AgentStep[]>): Promise<Cassette> {
  const stored = store.cassette(sessionId);
  if (stored !== undefined) return parseCassette(stored, 'the stored cassette');
  const synthesis = cassetteFromSteps(await steps());
  if ('reason' in synthesis) throw new Error(`the session has no cassette: the LLM gateway did not record it, and it cannot be rebuilt from its spans (${synthesis.reason})`);
  return synthesis.cassette;
}

export function htmlOf(session: AgentSession, info: { id: string; name: string }, inputs: readonly SpanInput[], assets: ReportAssets, safety?: readonly SafetyFinding[]): string {
  return renderHtmlReport(reportData(session, info, inputs, undefined, safety), { totals: session.totals, byModel: byModel(session.steps) }, assets);
}
