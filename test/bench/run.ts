// `npm run bench`: prints each benchmark's numbers and ratios from one run (not a timed test).
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchGateway, printGatewayBench } from './gateway';
import { benchIngest } from './ingest';
import { benchSafety, printSafety } from './safety';
import { benchReplay } from './replay';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

async function main(): Promise<void> {
  console.log(`Agent Debugger benchmarks — node ${process.version}, ${cpus().length} cores\n`);
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
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
