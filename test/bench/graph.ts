// The trace graph's first paint at scale (#19: "graph: 100k spans, host post to first paint <= 1 s"; the 10k
// figure must not regress): the built bundle (dist/webview/graph.js) in headless Chromium through the webview
// test harness (test/webview/graphPage.ts), which posts the snapshot the host posts (GraphFeed.packedSnapshot)
// as JSON text. Host post to first paint: from that post to the frame after the webview drew the session.
// Run alone: `node out/test/bench/graph.js` (after `node esbuild.mjs && npx tsc -p .`).
import { buildSession } from '../../src/core/agent';
import { syntheticSession } from '../unit/agent/synthetic';
import { openGraph, postToPaint } from '../webview/graphPage';

export interface GraphPaintBench {
  spans: number;
  steps: number;
  /** The snapshot message's JSON size. */
  snapshotBytes: number;
  /** Median over the runs; every run's figure too. */
  postToPaintMs: number;
  runsMs: number[];
  /** The part spent in the page (message handler to the next frame), median. */
  inPageMs: number;
}

export interface GraphGoal {
  goal: string;
  value: string;
  met: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A fresh page per run (no saved view state), the same session each time. */
export async function benchGraph(sizes = [10_000, 100_000], runs = 3): Promise<GraphPaintBench[]> {
  const out: GraphPaintBench[] = [];
  for (const spans of sizes) {
    const session = buildSession(syntheticSession(spans));
    const totals: number[] = [];
    const inPage: number[] = [];
    let snapshotBytes = 0;
    for (let r = 0; r < runs; r++) {
      const g = await openGraph({ session });
      try {
        const m = await postToPaint(g);
        totals.push(m.totalMs);
        inPage.push(m.inPageMs);
        snapshotBytes = g.snapshotBytes;
      } finally {
        await g.close();
      }
    }
    out.push({ spans, steps: session.steps.length, snapshotBytes, postToPaintMs: median(totals), runsMs: totals, inPageMs: median(inPage) });
  }
  return out;
}

export function printGraphBench(results: GraphPaintBench[]): GraphGoal[] {
  console.log('\nTrace graph first paint (dist/webview/graph.js in headless Chromium; snapshot posted as JSON text; median of runs)');
  const goals: GraphGoal[] = [];
  for (const r of results) {
    const label = `${Math.round(r.spans / 1000)}k`;
    console.log(`  ${label.padStart(4)} spans: snapshot ${(r.snapshotBytes / 2 ** 20).toFixed(1)} MB, host post to first paint ${Math.round(r.postToPaintMs)} ms (runs ${r.runsMs.map(Math.round).join(', ')}), in the page ${Math.round(r.inPageMs)} ms`);
    goals.push({ goal: `graph: ${label} spans, host post to first paint <= 1 s`, value: `${Math.round(r.postToPaintMs)} ms`, met: r.postToPaintMs <= 1000 });
  }
  return goals;
}

/** For `npm run bench`: measures, prints, and returns #19's graph goals. */
export async function graphGoals(): Promise<GraphGoal[]> {
  return printGraphBench(await benchGraph());
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  benchGraph(sizes.length ? sizes : undefined).then((results) => {
    const goals = printGraphBench(results);
    for (const g of goals) console.log(`  ${g.met ? 'PASS' : 'MISS'}  ${g.goal.padEnd(60)} ${g.value}`);
    process.exitCode = goals.every((g) => g.met) ? 0 : 1;
  }, (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
