// The engine worker's graph feeds (core/engineGraph.ts): a panel's snapshot and deltas as packed JSON text,
// and the steps it names by id or by index answered from what the feed last sent.
import * as assert from 'node:assert/strict';
import { normaliseSession, sessionOfSteps, type SessionOptions } from '../../../src/core/agent';
import type { SpanInput } from '../../../src/core/agent/types';
import { GraphFeeds } from '../../../src/core/engineGraph';
import type { SessionSummary } from '../../../src/core/store/types';
import { ID_FREE_FROM, type PackedDeltaDto, type PackedSnapshotDto } from '../../../src/protocol/graph';
import { parsePacked } from '../../../src/protocol/graphPacking';
import { stepRows } from './fixtures';
import { syntheticSession } from '../agent/synthetic';

function feedsOver(inputs: { current: SpanInput[] }): GraphFeeds {
  let built: { n: number; value: ReturnType<typeof sessionOfSteps> } | undefined;
  return new GraphFeeds({
    summary: (id) => (id === 's' ? ({ id: 's', name: 'run', live: true } as SessionSummary) : undefined),
    session: (id, options: SessionOptions) => {
      if (id !== 's') return undefined;
      if (built?.n !== inputs.current.length) built = { n: inputs.current.length, value: sessionOfSteps(normaliseSession(inputs.current, options)) };
      return { session: built.value, inputs: inputs.current };
    },
  });
}

describe('engine graph feeds (the snapshot built in the worker)', () => {
  it('a snapshot, then a delta of what grew; a feed it lost answers with a snapshot', () => {
    const all = syntheticSession(44).slice(4);
    const inputs = { current: all.slice(0, 20) };
    const feeds = feedsOver(inputs);
    const first = feeds.snapshot('p', 's', {});
    assert.equal(first?.kind, 'snapshot');
    const snapshot = parsePacked(first!.json as string) as PackedSnapshotDto;
    assert.equal(stepRows(snapshot.steps).length, 20);
    assert.equal(snapshot.session.name, 'run');
    assert.equal(feeds.delta('p', 's', {}), undefined, 'nothing new');
    inputs.current = all;
    const grown = feeds.delta('p', 's', {});
    assert.equal(grown?.kind, 'delta');
    const delta = parsePacked(grown!.json as string) as PackedDeltaDto;
    assert.equal(delta.baseVersion, snapshot.version);
    assert.deepEqual(delta.changed.filter((c) => c.index >= 20).map((c) => c.index), Array.from({ length: 20 }, (_, i) => 20 + i));
    assert.equal(feeds.delta('other-panel', 's', {})?.kind, 'snapshot');
    assert.equal(feeds.snapshot('p', 'missing', {}), undefined);
  });

  it('detail, window, search and the one step by id or by feed index; indices of ids; closed feeds answer nothing', () => {
    const inputs = { current: syntheticSession(44).slice(4) }; // turns 1-10: the tenth's tool call fails
    const feeds = feedsOver(inputs);
    feeds.snapshot('p', 's', {});
    const failed = inputs.current.find((i) => i.span.status.code === 2)!.span.spanId;
    const [index] = feeds.indices('p', [failed, 'ffffffffffffffff']);
    assert.equal(typeof index, 'number');
    assert.deepEqual(feeds.indices('p', ['ffffffffffffffff']), []);
    const byIndex = feeds.detail('p', { id: '', index }, 0);
    const byId = feeds.detail('p', { id: failed }, 0);
    assert.equal(byIndex?.detail.id, failed);
    assert.deepEqual(byIndex, byId);
    assert.equal(byIndex?.step.status, 'error');
    assert.equal(byIndex?.input?.span.spanId, failed, 'the raw span comes along (stacks, source by stack trace)');
    assert.equal(feeds.detail('p', { id: '', index: 10_000 }, 0), undefined);
    assert.equal(feeds.window('p', index, index + 1)?.[0]?.id, failed);
    const found = feeds.search('p', 'lookup')!;
    assert.ok(found.total > 0);
    assert.deepEqual(found.indices, feeds.indices('p', found.ids));
    const step = feeds.step('p', 's', { id: '', index }, {});
    assert.equal(step?.step.id, failed);
    const llm = feeds.step(undefined, 's', { id: inputs.current[3].span.spanId }, {});
    assert.equal(llm?.step.kind, 'llm');
    assert.equal(llm?.llmOrdinal, 2, 'the second LLM call of the run');
    feeds.close('p');
    assert.equal(feeds.detail('p', { id: failed }, 0), undefined);
    assert.deepEqual(feeds.indices('p', [failed]), []);
  });

  it(`from ${ID_FREE_FROM.toLocaleString('en-US')} steps on, the snapshot carries no span ids`, () => {
    const inputs = { current: syntheticSession(ID_FREE_FROM + 4).slice(4) };
    const feeds = feedsOver(inputs);
    const answer = feeds.snapshot('p', 's', {})!;
    const packed = parsePacked(answer.json as string) as PackedSnapshotDto;
    assert.equal(packed.steps.noIds, true);
    assert.equal(packed.steps.hexIds, undefined);
    assert.ok(!answer.json.includes(inputs.current[0].span.spanId));
    const rows = stepRows(packed.steps);
    assert.equal(rows.length, ID_FREE_FROM);
    assert.ok(rows.every((r) => r.id === ''));
    assert.deepEqual(feeds.indices('p', [inputs.current[0].span.spanId]), [0]);
  });
});
