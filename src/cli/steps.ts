// `agent-debugger steps FILE [--json] [--session ID] [--prices FILE] [--attributes]`: a recorded session
// (OTLP JSON, JSONL or SQLite export) printed as agent steps with totals, or as JSON
// { steps: AgentStep[], totals, findings, sessions }.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatCount, formatInputTokens, formatMs, formatUsdPrecise, plural } from '../core/format';
import type { AgentSession } from '../core/agent';
import { isModelCall } from '../core/cost/breakdowns';
import { totalsOf, type Totals } from '../core/agent/rollups';
import type { AgentStep } from '../core/agent/types';
import type { SafetyKind } from '../core/safety';
import { SpanStore } from '../core/store/spanStore';
import { isValidPrice, type PriceOverrides } from '../core/pricing/overrides';
import { buildStoredSession } from '../core/agent/fromStore';
import { importSessionFile } from '../core/sessionFiles';
import { UsageError } from './errors';
import { JsonArrayOf, writeJsonObject } from './jsonOut';
import { failOnExit, formatSafety, parseFailOn, safetyOptions, sessionFindings } from './stepsSafety';
import { pushAll } from '../core/otlp/fittedArrays';

export async function steps(argv: string[]): Promise<number> {
  const options = parseStepsArgs(argv);
  const overrides = options.prices ? await readOverrides(options.prices) : undefined;
  const safety = await safetyOptions(options.policy);
  // A store alone: reading a file needs no receiver or ingest queue.
  const store = await SpanStore.create();
  try {
    await importSessionFile(store, options.file);
    let sessions = store.listSessions().sort((a, b) => a.firstSpanMs - b.firstSpanMs);
    if (options.session) {
      sessions = sessions.filter((s) => s.id === options.session || s.name === options.session);
      if (sessions.length === 0) throw new UsageError(`no session '${options.session}' in ${options.file}`);
    }
    const built = sessions.map((s) => ({ id: s.id, name: s.name, session: buildStoredSession(store, s.id, { pricing: { overrides } }) }));
    const safetyFindings = built.map((b) => sessionFindings(b.session, safety));
    const totals = totalsOf(built.length === 1 ? built[0]!.session.steps : built.flatMap((b) => b.session.steps));
    if (options.json) {
      // Written a step at a time: one string of a large session's JSON would be hundreds of MB.
      await writeJsonObject(process.stdout, [
        ['steps', new JsonArrayOf(stepsOf(built, options.attributes))],
        ['totals', totals],
        ['findings', new JsonArrayOf(built.flatMap((b) => b.session.findings))],
        ['sessions', built.map((b) => ({ id: b.id, name: b.name, steps: b.session.steps.length, totals: b.session.totals }))],
        ['safety', new JsonArrayOf(safetyFindings.flat())],
      ]);
    } else {
      built.forEach((b, i) => process.stdout.write(formatSession(b.name, b.session) + formatSafety(safetyFindings[i])));
      if (built.length > 1) process.stdout.write(`all sessions: ${formatTotals(totals)}\n`);
      if (built.length === 0) process.stdout.write('no spans in the file\n');
    }
    return failOnExit(options.failOn, safetyFindings.flat());
  } finally {
    store.dispose();
  }
}

interface StepsOptions {
  file: string;
  json: boolean;
  attributes: boolean;
  session?: string;
  prices?: string;
  policy?: string;
  failOn: SafetyKind[];
}

function parseStepsArgs(argv: string[]): StepsOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, attributes: { type: 'boolean' }, session: { type: 'string' }, prices: { type: 'string' }, policy: { type: 'string' }, 'fail-on': { type: 'string' } },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const [file, ...extra] = parsed.positionals;
  if (!file) throw new UsageError('steps needs a FILE (OTLP JSON, JSONL or SQLite export)');
  if (extra.length > 0) throw new UsageError(`steps takes one FILE, not ${parsed.positionals.length}`);
  const v = parsed.values;
  return { file, json: v.json ?? false, attributes: v.attributes ?? false, session: v.session, prices: v.prices, policy: v.policy, failOn: parseFailOn(v['fail-on']) };
}

/** The same shape as the agentDebugger.pricing.models setting: { "model or glob": { input, output, cacheRead?, cacheWrite? } }. */
async function readOverrides(file: string): Promise<PriceOverrides> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${file}: expected an object of model prices`);
  for (const [model, price] of Object.entries(parsed)) {
    if (!isValidPrice(price)) throw new UsageError(`${file}: price for '${model}' needs numbers input and output ($ per million tokens)`);
  }
  return parsed as PriceOverrides;
}

function* stepsOf(built: { session: AgentSession }[], attributes: boolean): Generator<AgentStep | Omit<AgentStep, 'attributes'>> {
  for (const b of built) for (const s of b.session.steps) yield attributes ? s : withoutAttributes(s);
}

function withoutAttributes(s: AgentStep): Omit<AgentStep, 'attributes'> {
  const { attributes: _omitted, ...rest } = s;
  return rest;
}

export function formatSession(name: string, session: AgentSession): string {
  const lines = [`session ${name}`];
  const depth = new Map<string, number>();
  for (const node of session.graph.nodes) depth.set(node.id, node.depth);
  const rows = session.steps.map((s, i) => [
    String(i + 1),
    s.kind,
    '  '.repeat(Math.min(depth.get(s.id) ?? 0, 8)) + s.name + (s.retries ? ` (retried ${s.retries}×)` : ''),
    s.kind === 'llm' || s.kind === 'embedding' || isModelCall(s) ? (s.model ?? '') : '',
    tokens(s),
    dollars(s),
    s.toolName ? `${s.toolName}(${short(s.toolArgs, 40)})` : '',
    s.error ? `ERROR ${short(s.error, 60)}` : '',
    s.source ? `${s.source.path}${s.source.line ? `:${s.source.line}` : ''}` : '',
  ]);
  pushAll(lines, table([['#', 'kind', 'name', 'model', 'tokens', '$', 'tool', 'error', 'source'], ...rows]));
  if (session.steps.some((s) => s.aggregate && s.costUsd !== undefined)) lines.push('($) sums up the calls below it: not added again to the totals');
  lines.push(`totals: ${formatTotals(session.totals)}`);
  for (const f of session.findings) lines.push(`finding (${f.kind}): ${f.message}`);
  return lines.join('\n') + '\n\n';
}

export function formatTotals(t: Totals): string {
  const missing = t.modelsWithoutPrice.length ? `; no price for ${t.modelsWithoutPrice.join(', ')} (${plural(t.unpricedCalls, 'call')} not in $)` : '';
  return (
    `${plural(t.steps, 'step')}, ${plural(t.llmCalls, 'LLM call')}, ${plural(t.toolCalls, 'tool call')}, ${plural(t.errors, 'error')}; ` +
    `tokens ${formatInputTokens(t.inputTokens, t.cacheReadTokens, t.cacheWriteTokens)} / ${outputText(t.outputTokens, t.reasoningTokens)}; ` +
    `${formatUsdPrecise(t.costUsd)}${missing}; wall ${formatMs(t.wallTimeMs)}`
  );
}

function tokens(s: AgentStep): string {
  if (s.inputTokens === undefined && s.outputTokens === undefined) return '';
  return `${formatInputTokens(s.inputTokens ?? 0, s.cacheReadTokens, s.cacheWriteTokens)} / ${outputText(s.outputTokens ?? 0, s.reasoningTokens)}`;
}

function outputText(output: number, reasoning: number | undefined): string {
  return `${formatCount(output)} out${reasoning ? ` (${formatCount(reasoning)} reasoning)` : ''}`;
}

/** Where a price did not come from the price database, say so: "(span)", "(override)". */
function dollars(s: AgentStep): string {
  if (s.priceMissing) return 'no price';
  if (s.costUsd === undefined) return '';
  const from = s.costSource === 'span' || s.costSource === 'override' ? ` ${s.costSource}` : '';
  // An aggregate's $ repeats its children's: shown in parentheses, not added to totals.
  return (s.aggregate ? `(${formatUsdPrecise(s.costUsd)})` : formatUsdPrecise(s.costUsd)) + from;
}

function short(v: unknown, n: number): string {
  const s = typeof v === 'string' ? v : v === undefined ? '' : (JSON.stringify(v) ?? '');
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > n ? flat.slice(0, n - 1) + '…' : flat;
}

/** Left-aligned columns; columns empty in every row are dropped. */
function table(rows: string[][]): string[] {
  const cols = rows[0].map((_, c) => c).filter((c) => rows.some((r, i) => i > 0 && r[c] !== ''));
  const widths = cols.map((c) => rows.reduce((w, r) => Math.max(w, r[c].length), 0));
  return rows.map((r) => cols.map((c, k) => (k === cols.length - 1 ? r[c] : r[c].padEnd(widths[k]))).join('  ').trimEnd());
}
