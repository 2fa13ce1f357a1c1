// The HTML report's stand-in for the extension host: a classic script that runs before the graph module and
// defines acquireVsCodeApi(). It answers `ready` with the inlined snapshot and `requestStep` / `requestWindow`
// from the inlined details, so the unchanged graph webview runs read-only with no host and no network.
import type { GraphToHost, GraphToWebview, StepDetailDto } from '../../src/protocol/graph';
import { packedJson, packSnapshot } from '../../src/protocol/graphPacking';
import { REPORT_DATA_ID, type ReportDataDto } from '../../src/protocol/report';
import { buildModel, clampCursor, cumulativeAt } from '../graph/model';

const element = document.getElementById(REPORT_DATA_ID);
const data = JSON.parse(element?.textContent ?? 'null') as ReportDataDto;
// The graph webview reads the snapshot as the host posts it: packed.
const snapshot = packSnapshot(data.snapshot, true); // a report answers by id, whatever its size
const model = buildModel(snapshot);
let state: unknown;

function answer(message: GraphToWebview): void {
  // Asynchronous, like a real host.
  setTimeout(() => window.postMessage(message, '*'), 0);
}

/** A step's inspector view at any cursor: the nearer precomputed detail, with phase and totals at the cursor. */
export function detailAt(index: number, cursor: number): StepDetailDto | undefined {
  const pair = data.details[index];
  if (!pair) return undefined;
  const c = clampCursor(model, cursor);
  const start = model.startAt[index];
  const end = model.endAt[index];
  const returned = end >= 0 && c >= end;
  const base = returned ? pair.atEnd : pair.atStart;
  const phase = start >= 0 && c < start ? 'pending' : returned ? (base.status === 'error' ? 'failed' : 'done') : 'running';
  const cum = cumulativeAt(model, c);
  const detail: StepDetailDto = {
    ...base,
    phase,
    cumulative: { ...base.cumulative, ...cum, cursor: c, time: model.length ? model.evTime[c] : 0 },
  };
  if (!returned && detail.tool) detail.tool = { ...detail.tool, result: undefined };
  return detail;
}

/** Each step's text (name, model, tool args and results, conversation, error, attributes), built on first search. */
let texts: string[] | undefined;

/** The report's search: the same fields the host searches, from the inlined details (capped at 10,000 ids). */
function search(query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  texts ??= data.details.map((d, i) => {
    const out: string[] = [];
    leaves([data.summaries[i], d.atStart, d.atEnd], out, 0);
    return out.join('\n').toLowerCase();
  });
  const ids: string[] = [];
  texts.forEach((t, i) => t.includes(q) && ids.length < 10_000 && ids.push(data.snapshot.steps[i].id));
  return ids;
}

function leaves(value: unknown, out: string[], depth: number): void {
  if (value === null || value === undefined || depth > 12) return;
  // Strings only: the details' numbers are times and totals, not what a person searches for (attribute values are strings here).
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const x of value) leaves(x, out, depth + 1);
  else if (typeof value === 'object') for (const x of Object.values(value)) leaves(x, out, depth + 1);
}

function onMessage(message: GraphToHost): void {
  switch (message.type) {
    case 'ready':
      return answer(data.snapshot.steps.length ? { type: 'snapshot', snapshot: packedJson(snapshot) } : { type: 'empty', message: 'This session has no steps.' });
    case 'requestStep': {
      const index = model.byId.get(message.id);
      const detail = index === undefined ? undefined : detailAt(index, message.cursor);
      return answer({ type: 'stepDetail', requestId: message.requestId, detail, error: detail ? undefined : 'No such step in this report.' });
    }
    case 'requestSearch': {
      const ids = search(message.query);
      return answer({ type: 'searchResult', requestId: message.requestId, ids, total: ids.length });
    }
    case 'requestWindow':
      return answer({ type: 'window', requestId: message.requestId, rows: data.summaries.slice(Math.max(0, message.from), Math.max(0, message.to)) });
    default:
      // selectStep / openSource: a report has no editor to follow.
      return;
  }
}

document.body?.classList.toggle('vscode-light', matchMedia('(prefers-color-scheme: light)').matches);
document.addEventListener('DOMContentLoaded', () => {
  const light = matchMedia('(prefers-color-scheme: light)').matches;
  document.body.classList.toggle('vscode-light', light);
  document.body.classList.toggle('vscode-dark', !light);
});

(window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
  postMessage: (m: GraphToHost) => onMessage(m),
  getState: () => state,
  setState: (s: unknown) => void (state = s),
});
