// `npm run bench`: prints each benchmark's numbers and ratios from one run (not a timed test).
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchFiles, printFilesBench, serveOutGoals } from './files';
import { benchModel, printModelBench } from './model';
import { benchGateway, printGatewayBench } from './gateway';
import { graphGoals } from './graph';
import { agentPayloads } from './agentSpans';
import { benchDefaultCaps } from './defaultCaps';
import { benchHostReads } from './hostReads';
import { benchHostThread, type HostThreadBench } from './hostThread';
import { benchIngest } from './ingest';
import { makePayloads } from './payloads';
import { firstTouchMicros } from './pageFaults';
import { benchSafety, printSafety } from './safety';
import { benchReplay } from './replay';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** #19's goals: the ones this bench measures are gated (a miss exits non-zero); the rest are listed as not measured. */
interface Goal {
  goal: string;
  value: string;
  met: boolean | undefined;
}

function hostThreadGoals(label: string, r: HostThreadBench, memoryGoal: boolean): Goal[] {
  const goals: Goal[] = [
    { goal: `receiver capacity, ${label}: >= 0.3x discard`, value: `${r.capacity.toFixed(2)}x`, met: r.capacity >= 0.3 },
    { goal: `extension-host thread during that ingest, ${label}: < 10% busy`, value: pct(r.hostBusy), met: r.hostBusy < 0.1 },
  ];
  if (memoryGoal) goals.push({ goal: `memory per 100k ${label}: <= 150 MB RSS`, value: mb(r.rssPer100k), met: r.rssPer100k <= 150 * 2 ** 20 });
  return goals;
}

function printHostThread(label: string, r: HostThreadBench): void {
  console.log(`
Extension host with the engine on its worker (${fmt(r.spans)} ${label}, OTLP/HTTP protobuf from another process, 2 in flight)`);
  console.log(`  ${r.roundCapacities.length} rounds, each the discard server (median of 3 runs) then a fresh engine; the round with the median ratio:`);
  console.log(`  discard server (reads, answers 200) ${fmt(r.discardSpansPerSec).padStart(10)} spans/s`);
  console.log(`  engine worker, stored in sql.js     ${fmt(r.storedSpansPerSec).padStart(10)} spans/s   (${r.capacity.toFixed(2)}x discard; rounds ${r.roundCapacities.map((c) => `${c.toFixed(2)}x`).join(', ')})`);
  console.log(`  busy: this thread (the host) / engine worker / its decode worker ${pct(r.hostBusy)} / ${pct(r.engineBusy)} / ${r.decodeBusy < 0 ? 'not running' : pct(r.decodeBusy)}   (event-loop utilisation until every span is stored)`);
  console.log(`  CPU per span, all of this process's threads: ${r.cpuMicrosPerSpan.toFixed(2)} µs stored, ${r.discardCpuMicrosPerSpan.toFixed(2)} µs read and discarded   (steadier than the ratio: compare builds by it, over several alternated runs)`);
  console.log(`  process RSS per 100k spans          +${mb(r.rssPer100k)}`);
}

async function main(): Promise<void> {
  console.log(`Agent Debugger benchmarks — node ${process.version}, ${cpus().length} cores; a first write to a 4 KB page of fresh memory costs ${firstTouchMicros().toFixed(1)} µs here\n`);
  const r = await benchIngest();
  console.log('OTLP ingest (100 requests x 1,000 spans, protobuf, made by the official OTel JS serializer, sent from another process)');
  console.log(`  ${r.rounds} rounds (decode only, then over HTTP into a fresh store); the round with the median ratio:`);
  console.log(`  decode only                      ${fmt(r.decodeSpansPerSec).padStart(10)} spans/s`);
  console.log(`  over OTLP/HTTP, answered 200     ${fmt(r.acceptSpansPerSec).padStart(10)} spans/s`);
  console.log(`  over OTLP/HTTP, stored in sql.js ${fmt(r.ingestSpansPerSec).padStart(10)} spans/s   (goal >= 50,000: ${r.ingestSpansPerSec >= 50_000 ? 'met' : 'NOT met'})`);
  console.log(`  cores the receiver used          ${r.coresUsed.toFixed(2).padStart(10)}            (HTTP + decode worker + store; of ${cpus().length}, shared with the sender)`);
  console.log(`  busy: main thread / decode worker ${`${pct(r.mainBusy)} / ${pct(r.workerBusy)}`.padStart(10)}            (event-loop utilization during the HTTP run)`);
  console.log(`  store alone (main thread)         ${fmt(r.storeOnlySpansPerSec).padStart(10)} spans/s   (requests prepared as the decode worker does, stored one call each)`);
  console.log(`  ratio stored / decode-only       ${r.ratio.toFixed(2).padStart(10)}x          (goal >= 0.5x: ${r.ratio >= 0.5 ? 'met' : 'NOT met'}; rounds ${r.ratioRange.map((x) => x.toFixed(2)).join('-')}x)`);
  console.log(`  longest ingest slice             ${r.maxSliceMs.toFixed(1).padStart(10)} ms wall, ${r.maxSliceBusyMs.toFixed(1)} ms on CPU (bound 50 ms)`);
  console.log(`  memory per 100k spans            ${mb(r.bytesPer100k).padStart(10)} in SQLite pages, process RSS +${mb(r.rssPer100k)} (wasm heap, and JS heap pages V8 keeps after the backlog)`);

  // #19: realistic ~3 KB GenAI spans (a 2 KB prompt, 2 events; 80 exporter batches of 512) and the small ones above.
  const realistic = await benchHostThread(makePayloads(80, 512, 'protobuf', { promptBytes: 2048 }), 80 * 512);
  printHostThread('realistic ~3 KB GenAI spans', realistic);
  const small = await benchHostThread(makePayloads(100, 1000), 100_000);
  printHostThread('small spans (as above)', small);
  // Memory: agent-shaped runs (a repeated system prompt and tool schemas, growing conversations), then the
  // same with text of their own on every span (nothing repeats), 100k spans each.
  const agent = await benchHostThread(agentPayloads(200, 512), 200 * 512);
  printHostThread('agent-shaped spans', agent);
  const unique = await benchHostThread(agentPayloads(200, 512, true), 200 * 512);
  printHostThread('unique-content spans', unique);
  const goals = [
    ...hostThreadGoals('realistic spans', realistic, false),
    ...hostThreadGoals('small spans', small, false),
    { goal: 'memory per 100k agent-shaped spans: <= 150 MB RSS', value: mb(agent.rssPer100k), met: agent.rssPer100k <= 150 * 2 ** 20 },
    { goal: 'memory per 100k unique-content spans (printed, not a goal)', value: mb(unique.rssPer100k), met: undefined },
  ];
  const caps = await benchDefaultCaps(1_050_000);
  console.log(`\nDefault caps: ${fmt(caps.sent)} agent-shaped spans into a store made with no options, in ${caps.seconds.toFixed(1)} s`);
  console.log(`  kept ${fmt(caps.kept)}, evicted ${fmt(caps.evicted)}; SQLite pages ${mb(caps.storeBytes)} (${fmt(caps.storeBytes / caps.kept)} B a span)`);
  goals.push({ goal: 'default caps: >= 1M spans of a typical agent session kept', value: fmt(caps.kept), met: caps.kept >= 1_000_000 });

  // 1M spans of the typical agent session and of #19's realistic span (~9 min); unique content at 1M:
  // `node --expose-gc out/test/bench/files.js 1000000`.
  goals.push(...printFilesBench([...benchFiles([100_000]), ...benchFiles([1_000_000], ['agent', 'realistic'])]));
  goals.push(...printModelBench(benchModel()));
  const reads = await benchHostReads();
  const k = `${Math.round(reads.spans / 1000)}k`;
  console.log(`\nVS Code's thread per live refresh of a ${k}-span agent session (busy ms; before: the whole session read to it)`);
  console.log(`  CodeLens numbers      ${reads.codeLensMs.toFixed(0).padStart(6)} ms   (before: readSession + normaliseSession ${reads.wholeCodeLensMs.toFixed(0)} ms)`);
  console.log(`  traced run's check    ${reads.checkRunMs.toFixed(0).padStart(6)} ms   (before: sessionSteps ${reads.wholeCheckMs.toFixed(0)} ms)`);
  console.log(`  debugger stop         ${reads.debugViewMs.toFixed(0).padStart(6)} ms   (the worker's view of ${reads.debugViewSteps} steps; before: readSession + normaliseSession ${reads.wholeCodeLensMs.toFixed(0)} ms, and annotate)`);
  console.log(`  in the worker: opening the graph on the built model ${reads.graphOpenMs.toFixed(0)} ms (its parts and snapshot, made between turns); the receiver's longest wait meanwhile ${reads.graphWaitMs.toFixed(0)} ms (${reads.graphProbes} requests)`);
  goals.push({ goal: `host thread per debugger stop on ${k} (the worker's view, its steps and step tree): < 50 ms`, value: `${reads.debugViewMs.toFixed(0)} ms`, met: reads.debugViewMs < 50 });
  goals.push({ goal: `host thread per live refresh (CodeLens, traced run's check) on ${k}: < 10 ms`, value: `${Math.max(reads.codeLensMs, reads.checkRunMs).toFixed(0)} ms`, met: Math.max(reads.codeLensMs, reads.checkRunMs) < 10 });
  goals.push(...(await serveOutGoals()), ...(await serveOutGoals(1_000_000)));

  printSafety(benchSafety());
  const rp = await benchReplay();
  console.log(`\nReplay (${rp.calls} streamed calls, openai SDK through the gateway; recorded against a mock provider at 12 ms a chunk)`);
  console.log(`  recorded run ${fmt(rp.recordedMs).padStart(8)} ms, replayed from the cassette ${fmt(rp.replayedMs)} ms: ratio ${rp.ratio.toFixed(3)} (${rp.upstreamCallsOnReplay} upstream calls on replay)`);

  // The graph webview's numbers come from the built bundle in headless Chromium (the same harness as
  // the webview tests): first paint and time per step for 10k spans, bounded DOM for 100k.
  console.log('\nTrace graph webview (dist/webview/graph.js in headless Chromium)');
  const root = join(__dirname, '../../..');
  const graph = spawnSync(process.execPath, [join(root, 'node_modules/.bin/mocha'), '--no-config', '--timeout', '300000', '--reporter', 'dot', join(root, 'out/test/webview/graph.perf.test.js')], { cwd: root, encoding: 'utf8' });
  const lines = graph.stdout.split('\n').filter((l) => /^\s{6,}\S/.test(l));
  console.log(lines.map((l) => `  ${l.trim()}`).join('\n'));
  if (graph.status !== 0) throw new Error(`graph benchmark failed:\n${graph.stdout}\n${graph.stderr}`);
  printGatewayBench(await benchGateway());

  goals.push(...(await graphGoals()));

  console.log('\n#19 goals (gated: a MISS exits non-zero)');
  for (const g of goals) console.log(`  ${g.met === undefined ? '    ' : g.met ? 'PASS' : 'MISS'}  ${g.goal.padEnd(72)} ${g.value}`);
  if (goals.some((g) => g.met === false)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
