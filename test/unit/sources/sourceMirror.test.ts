// The engine worker's copy of the source index (SourceMirror) makes the CodeLens numbers the host made
// before (annotateSources + stepStatsByLocation over its own index), from the files' texts the host sends;
// a file dropped or a new build (reset) changes them. The debug adapters' view locates steps the same way.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession } from '../../../src/core/agent';
import { debugView, viewSteps } from '../../../src/core/debug/debugView';
import { readSession } from '../../../src/core/agent/fromStore';
import { TraceEngine } from '../../../src/core/engine';
import { annotateSources, indexFolder, isIndexable, skippedFolders, SourceIndex, SourceMirror, stepStatsByLocation } from '../../../src/core/sources';
import { repoRoot, runExample } from '../runExample';

/** The indexable files under `root`, as the host's workspace index reads them. */
function filesUnder(root: string): { path: string; text: string }[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .map((rel) => path.join(root, rel))
    .filter((p) => isIndexable(p) && !p.split(path.sep).some((s) => skippedFolders.includes(s)))
    .map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
}

describe('sources: the engine worker\'s copy of the index (SourceMirror)', function () {
  this.timeout(120_000);

  it('makes the same CodeLens numbers as the host\'s annotate + stepStatsByLocation; a dropped file and a reset change them', async () => {
    const engine = await TraceEngine.create();
    try {
      const run = await runExample(engine, 'python3', ['examples/travel-agent-py/agent.py'], 'mirror-py');
      assert.equal(run.code, 0, run.stderr);
      const inputs = readSession(engine.store, engine.store.listSessions()[0]!.id);
      const { steps } = buildSession(inputs);
      const examples = path.join(repoRoot, 'examples');

      const mirror = new SourceMirror();
      const files = filesUnder(examples);
      assert.equal(mirror.apply({ reset: true, roots: [examples], files, removed: [] }), files.length);
      // As the worker makes them: the steps placed once, then the CodeLens numbers and the debuggers' view.
      const statsOf = () => {
        const places = mirror.locationsOf({ steps, inputs });
        return stepStatsByLocation(steps, (_, i) => places[i]);
      };
      const inWorker = statsOf();
      const places = mirror.locationsOf({ steps, inputs });
      const viewed = debugView(steps, ['tool:*'], (_, i) => places[i]);
      assert.ok(steps.every((s) => s.source === undefined), 'the steps are not touched');

      const index = new SourceIndex([examples]);
      indexFolder(index, examples);
      annotateSources(steps, index, new Map(inputs.map((i) => [i.span.spanId, i])));
      const onHost = stepStatsByLocation(steps);
      assert.deepEqual(inWorker, onHost);
      const shown = viewSteps(viewed);
      assert.deepEqual(shown.map((s) => s.source), steps.map((s) => s.source));
      assert.ok(shown.filter((s) => s.source).length >= 5);
      assert.deepEqual(viewed.breaks, steps.flatMap((s, i) => (s.kind === 'tool' ? [[i, 'tool:*']] : [])));
      assert.ok(viewed.breaks.length >= 2);
      assert.ok(shown.every((s) => !('inputMessages' in s) && !('attributes' in s)), 'no payloads in the view');
      assert.deepEqual(shown.map((s) => s.id), steps.map((s) => s.id));
      // One step as the graph's inspector, editor follow and safety diagnostics get it: a located copy.
      const raw = new Map(inputs.map((i) => [i.span.spanId, i]));
      const copies = steps.map((s) => mirror.located(s, raw.get(s.id)));
      assert.deepEqual(copies.map((s) => [s.source, s.sourceMissing]), steps.map((s) => [s.source, s.sourceMissing]));
      assert.ok(onHost.length >= 5, `tools, prompt and agent lines (${onHost.length})`);

      const tools = path.join(examples, 'travel-agent-py', 'tools.py');
      const before = mirror.generation;
      mirror.apply({ files: [], removed: [tools] });
      assert.ok(mirror.generation > before);
      const without = statsOf();
      assert.ok(!without.some((s) => s.path.endsWith('tools.py') && s.label !== 'convert_currency'), 'tools found by name are gone with their file');
      // A new build starts from nothing: what is left is what the spans say themselves, as with an empty index.
      mirror.apply({ reset: true, roots: [examples], files: [], removed: [] });
      annotateSources(steps, new SourceIndex([examples]), new Map(inputs.map((i) => [i.span.spanId, i])));
      const bare = stepStatsByLocation(steps);
      assert.ok(bare.length < onHost.length);
      assert.deepEqual(statsOf(), bare);
    } finally {
      await engine.dispose();
      engine.store.dispose();
    }
  });
});

describe('sources: prompt matches remembered per line', () => {
  it('a conversation\'s lines are matched once, and an edited or removed template is seen at once', () => {
    const index = new SourceIndex(['/ws']);
    index.update('/ws/prompts/plan.txt', 'You are TravelPlanner, a careful assistant for {city} trips.\nAlways check the weather before planning.');
    const turn = (n: number) => ['You are TravelPlanner, a careful assistant for Paris trips.', ...Array.from({ length: n }, (_, i) => `user question number ${i} about the museums`)].join('\n');
    for (let n = 1; n <= 5; n++) assert.equal(index.matchPrompt(turn(n))?.path, '/ws/prompts/plan.txt');
    index.update('/ws/prompts/plan.txt', 'A different template line that says something else.');
    assert.equal(index.matchPrompt(turn(5)), undefined, 'the edit is seen');
    index.update('/ws/prompts/other.txt', 'You are TravelPlanner, a careful assistant for {city} trips.');
    assert.equal(index.matchPrompt(turn(5))?.path, '/ws/prompts/other.txt');
    index.remove('/ws/prompts/other.txt');
    assert.equal(index.matchPrompt(turn(5)), undefined, 'the removal is seen');
  });
});
