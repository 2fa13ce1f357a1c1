// Files and the model at scale: export, import and model a session of agent-shaped spans (agentSpans.ts),
// of unique-content ones, and of #19's realistic ~3 KB GenAI spans (payloads.ts),
// each stage in a process of its own so that its time and peak memory are its own. Run alone with
// `node --expose-gc out/test/bench/files.js [spans...]`, or from run.ts.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildStoredSession } from '../../src/core/agent/fromStore';
import { decodeTraceRequest } from '../../src/core/otlp/protoDecode';
import { importSessionFile, writeOtlpFile } from '../../src/core/sessionFiles';
import { prepareTraceBytes } from '../../src/core/store/protoPrepared';
import { SpanStore } from '../../src/core/store/spanStore';
import { toJson } from '../../src/core/store/values';
import { planTexts } from '../../src/core/store/textPlan';
import { agentPayloads } from './agentSpans';
import { makePayloads } from './payloads';
import { forEachPayloadIn, packPayloads, unpackPayloads } from './sender';
import { minorFaults } from './pageFaults';
import { benchServeOut, printServeOutBench } from './serveOut';

/**
 * agent: a run's calls repeat its system prompt and schemas and carry the growing conversation; unique: no
 * text repeats; realistic: #19's span (20 attributes, a 2 KB prompt that differs per span, 2 events).
 */
export type FilesShape = 'agent' | 'unique' | 'realistic';

export interface FilesBench {
  spans: number;
  shape: FilesShape;
  fileMB: number;
  exportMs: number;
  exportPeakMB: number;
  /** Resident memory the stored session added (the store holding it, after a GC). */
  storeMB: number;
  importMs: number;
  importPeakMB: number;
  modelMs: number;
  modelPeakMB: number;
  /** Minor page faults the model's build took (Linux; -1 elsewhere). */
  modelFaults: number;
  /** The fastest and slowest model of the import runs (the figures above are the median run's). */
  modelMinMs: number;
  modelMaxMs: number;
  /** The same spans as JSONL of one span a line (each line repeats its resource and scope): its size and import time. */
  linesMB: number;
  linesImportMs: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;
/** Peak resident memory of this process so far (resourceUsage reports kilobytes). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const settle = () => { global.gc?.(); return process.memoryUsage().rss; };

/**
 * The payloads of a session, made in a process of their own (`bodies` stage) and written as one file: the
 * store's process then reads request bodies as a receiver gets them, and its memory is not the span
 * generator's (the SDK's buffers, freed between the store's writes, left the C heap ~30-40 MB bigger).
 * Made and written 20 requests at a time: the SDK holds every span it made until they are serialized, and
 * 1M spans of unique content are over 2 GB, more than one buffer or write takes.
 */
function writeBodies(file: string, spans: number, shape: FilesShape): void {
  const batch = 512;
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < spans; done += batch * 20) {
      const requests = Math.min(20, Math.ceil((spans - done) / batch));
      const payloads = shape === 'realistic'
        ? makePayloads(requests, batch, 'protobuf', { promptBytes: 2048, firstRequest: done / batch })
        : agentPayloads(requests, batch, shape === 'unique');
      writeSync(fd, packPayloads(payloads));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A `bodies` file's request bodies one at a time. A file that one read takes is read whole here, before the
 * caller measures (as before 1M spans were measured: streamed, the store's RSS reading swung 34-70 MB);
 * a bigger one a body at a time.
 */
function bodyReader(file: string): (each: (body: Buffer) => void) => void {
  if (statSync(file).size >= 2 ** 31) return (each) => forEachPayloadIn(file, each);
  const whole = unpackPayloads(readFileSync(file));
  return (each) => whole.forEach((body) => each(body));
}

async function storeOf(bodiesFile: string): Promise<{ store: SpanStore; storeBytes: number }> {
  const store = await SpanStore.create({ maxBytes: 8 * 2 ** 30, maxSpans: 10_000_000 });
  const bodies = bodyReader(bodiesFile);
  const before = settle();
  // As the receiver stores them: the decode worker's fast path (what exporters send takes it), else decoded.
  bodies((body) => {
    const prepared = prepareTraceBytes(body);
    if (prepared) {
      planTexts(prepared);
      store.ingestPrepared(prepared);
    } else store.ingestTraces(decodeTraceRequest(body));
  });
  const storeBytes = settle() - before;
  return { store, storeBytes };
}

/** The child's stages; each prints one JSON line. */
async function child(stage: string, spans: number, shape: FilesShape, file: string): Promise<void> {
  if (stage === 'bodies') {
    writeBodies(`${file}.bodies`, spans, shape);
    console.log('{}');
    return;
  }
  if (stage === 'export') {
    const { store, storeBytes } = await storeOf(`${file}.bodies`);
    const id = store.listSessions()[0]!.id;
    const base = settle();
    // Sampled while it runs (it awaits each write): the process's peak so far is the store's ingest. After a
    // GC, so that garbage V8 has not collected yet (it may let it grow by hundreds of MB) is not counted.
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, settle())), 250);
    const started = performance.now();
    await writeOtlpFile(store, [id], file, false);
    const exportMs = performance.now() - started;
    clearInterval(sampler);
    writeSpanLines(store, id, `${file}.lines.jsonl`);
    console.log(JSON.stringify({ exportMs, exportPeakMB: mb(peak - base), storeMB: mb(storeBytes), fileMB: mb(statSync(file).size), linesMB: mb(statSync(`${file}.lines.jsonl`).size) }));
    return;
  }
  if (stage === 'lines') {
    const store = await SpanStore.create({ maxBytes: 8 * 2 ** 30, maxSpans: 10_000_000 });
    const started = performance.now();
    const result = await importSessionFile(store, `${file}.lines.jsonl`);
    if (result.spans < spans) throw new Error(`JSONL import: ${result.spans} spans of ${spans}`);
    console.log(JSON.stringify({ linesImportMs: performance.now() - started }));
    return;
  }
  const store = await SpanStore.create({ maxBytes: 8 * 2 ** 30, maxSpans: 10_000_000 });
  const base = settle();
  let started = performance.now();
  const result = await importSessionFile(store, file);
  const importMs = performance.now() - started;
  const importPeakMB = mb(peakRss() - base);
  const afterImport = settle();
  const faults = minorFaults();
  started = performance.now();
  const session = buildStoredSession(store, result.sessionIds[0]!);
  const modelMs = performance.now() - started;
  const modelFaults = faults === undefined ? -1 : minorFaults()! - faults;
  if (session.steps.length < spans * 0.99) throw new Error(`model: ${session.steps.length} steps of ${spans}`);
  console.log(JSON.stringify({ importMs, importPeakMB, modelMs, modelPeakMB: mb(Math.max(0, peakRss() - afterImport)), modelFaults }));
}

/** A session as JSONL of one span a line (a request each, as an exporter without batching leaves them): the most lines a file of these spans can have. */
function writeSpanLines(store: SpanStore, sessionId: string, file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const page of store.exportSpanPages(sessionId, 1_000, 2 ** 20)) {
      const lines: string[] = [];
      for (const { scopeSpans, ...resource } of page) {
        for (const { spans, ...scope } of scopeSpans) for (const span of spans) lines.push(toJson({ resourceSpans: [{ ...resource, scopeSpans: [{ ...scope, spans: [span] }] }] }));
      }
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

function runChild(stage: string, spans: number, shape: string, file: string): Record<string, number> {
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', __filename, stage, String(spans), shape, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

/**
 * The import stage `runs` times, each a fresh process: the run whose model took the median time (a single
 * run swung by a third with the machine), with the model times' range.
 */
function importRuns(spans: number, shape: string, file: string, runs: number): Record<string, number> {
  const all = Array.from({ length: runs }, () => runChild('import', spans, shape, file)).sort((a, b) => a.modelMs! - b.modelMs!);
  return { ...all[(runs - 1) >> 1]!, modelMinMs: all[0]!.modelMs!, modelMaxMs: all[runs - 1]!.modelMs! };
}

export function benchFiles(sizes = [100_000], shapes: FilesShape[] = ['agent', 'unique', 'realistic']): FilesBench[] {
  const dir = mkdtempSync(join(tmpdir(), 'agent-debugger-files-'));
  const results: FilesBench[] = [];
  try {
    for (const spans of sizes) {
      for (const shape of shapes) {
        const file = join(dir, `${shape}-${spans}.otlp.json`);
        runChild('bodies', spans, shape, file);
        const exported = runChild('export', spans, shape, file);
        const imported = importRuns(spans, shape, file, spans <= 100_000 ? 3 : 1);
        const lines = runChild('lines', spans, shape, file);
        rmSync(file, { force: true });
        rmSync(`${file}.lines.jsonl`, { force: true });
        rmSync(`${file}.bodies`, { force: true });
        results.push({ spans, shape, ...exported, ...imported, ...lines } as FilesBench);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** One of #19's goals, measured here. */
export interface FileGoal {
  goal: string;
  value: string;
  /** undefined: printed with the goals, not one of them. */
  met: boolean | undefined;
}

export function printFilesBench(results: FilesBench[]): FileGoal[] {
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log('\nFiles and model (one session of agent-shaped spans, ~3 KB each: growing conversation, repeated system prompt and tool schemas; "unique": no content repeats; "realistic": #19\'s span, its 2 KB prompt differing per span)');
  console.log('  spans      shape     file      store     export         import          model');
  const goals: FileGoal[] = [];
  for (const r of results) {
    console.log(`  ${f(r.spans).padEnd(10)} ${r.shape.padEnd(9)} ${`${f(r.fileMB)} MB`.padEnd(9)} ${`${f(r.storeMB)} MB`.padEnd(9)} ${`${s(r.exportMs)} +${f(r.exportPeakMB)} MB`.padEnd(14)} ${`${s(r.importMs)} +${f(r.importPeakMB)} MB`.padEnd(15)} ${s(r.modelMs)} +${f(r.modelPeakMB)} MB${r.modelMaxMs > r.modelMinMs ? ` (the median of runs of ${(r.modelMinMs / 1000).toFixed(1)}-${s(r.modelMaxMs)})` : ''}${r.modelFaults >= 0 ? `, ${f(r.modelFaults)} page faults` : ''}`);
    console.log(`  ${''.padEnd(10)} ${''.padEnd(9)} ${`${f(r.linesMB)} MB`.padEnd(9)} as JSONL, one span a line (each repeats its resource and scope): import ${s(r.linesImportMs)}`);
    if (r.spans === 1_000_000) goals.push(...millionGoals(r, results.find((x) => x.spans === 100_000 && x.shape === r.shape)));
    if (r.spans !== 100_000) continue;
    goals.push(
      { goal: `import of an OTLP JSON file, 100k ${r.shape} spans: <= 10 s`, value: s(r.importMs), met: r.importMs <= 10_000 },
      { goal: `agent model, 100k ${r.shape} spans: <= 2 s`, value: s(r.modelMs), met: r.modelMs <= 2_000 },
      { goal: `store memory per 100k ${r.shape} spans: <= 150 MB`, value: `${f(r.storeMB)} MB`, met: r.storeMB <= 150 },
    );
  }
  return goals;
}

/**
 * #19 at 1M spans: files stream (linear time, bounded memory). The import's goal is the 100k one ten times
 * over, and what it holds beyond the store it fills is bounded; the export holds a page of spans at a time.
 * The model's time has no goal at 1M: printed, with its time per span against 100k's (`at100k`).
 */
function millionGoals(r: FilesBench, at100k: FilesBench | undefined): FileGoal[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  const perSpan = at100k ? `, ${(r.modelMs / 10 / at100k.modelMs).toFixed(2)}x 100k's time per span` : '';
  return [
    { goal: `export of 1M ${r.shape} spans (streamed): <= 256 MB beyond the store`, value: `+${f(r.exportPeakMB)} MB`, met: r.exportPeakMB <= 256 },
    { goal: `import of 1M ${r.shape} spans: <= 100 s (linear: the 100k goal x10)`, value: s(r.importMs), met: r.importMs <= 100_000 },
    { goal: `import of 1M ${r.shape} spans: <= 512 MB beyond the store it fills`, value: `+${f(r.importPeakMB - r.storeMB)} MB`, met: r.importPeakMB - r.storeMB <= 512 },
    { goal: `agent model, 1M ${r.shape} spans (printed, not a goal)`, value: `${s(r.modelMs)} +${f(r.modelPeakMB)} MB${perSpan}`, met: undefined },
  ];
}

/**
 * `serve --out` with `spans` agent-shaped spans (serveOut.ts), printed, as #19 goal rows for run.ts. Alone, at
 * any size: `node out/test/bench/serveOut.js 1000000`.
 */
export async function serveOutGoals(spans = 100_000): Promise<FileGoal[]> {
  return printServeOutBench(await benchServeOut(spans));
}

if (require.main === module) {
  const [stage, spans, shape, file] = process.argv.slice(2);
  if (stage === 'bodies' || stage === 'export' || stage === 'import' || stage === 'lines') {
    child(stage, Number(spans), shape as FilesShape, file!).catch((e) => {
      console.error(e);
      process.exit(1);
    });
  } else {
    const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
    const goals = printFilesBench(benchFiles(sizes.length ? sizes : [100_000]));
    for (const g of goals) console.log(`  ${g.met === undefined ? '    ' : g.met ? 'PASS' : 'MISS'}  ${g.goal.padEnd(60)} ${g.value}`);
    process.exitCode = goals.some((g) => g.met === false) ? 1 : 0;
  }
}
