// A live model's parent and dataflow links extended (agent/liveLinks.ts) against parentIndices and
// dataflowLinks over random sessions and updates: traces kept, grown, changed and trimmed (a trace's later
// steps gone, as a cap trims it), repeated span ids, tool calls matched by id, by name and not at all.
import * as assert from 'node:assert/strict';
import type { AgentStep } from '../../../src/core/agent';
import { dataflowLinks, type DataflowLink } from '../../../src/core/agent/dataflow';
import { extendedDataflow, extendedParents, mostChanged, stepChange, type LinksBase } from '../../../src/core/agent/liveLinks';
import { parentIndices } from '../../../src/core/agent/tree';
import { randomVersions } from './randomSteps';

describe('live links extended, not found again (liveLinks.ts)', () => {
  it('parents and dataflow equal parentIndices and dataflowLinks after every one of 6 updates of 1,500 random sessions', () => {
    let reused = 0;
    let links = 0;
    let parents: LinksBase<Int32Array> | undefined;
    let dataflow: LinksBase<readonly DataflowLink[]> | undefined;
    for (const { run, round, steps, before } of randomVersions(1500, 6)) {
      const change = before && stepChange(before, steps);
      // The pieces path (most steps kept): past half of them changed, the links are found whole.
      if (change && !mostChanged(change, steps)) reused++;
      parents = extendedParents(before && parents, steps);
      assert.deepStrictEqual(parents.links, parentIndices(steps), `run ${run}, update ${round}: parents`);
      dataflow = extendedDataflow(before && dataflow, steps);
      assert.deepStrictEqual(dataflow.links, dataflowLinks(steps), `run ${run}, update ${round}: dataflow`);
      if (before) links += dataflow.links.length;
    }
    assert.ok(reused > 2000, `links were extended from kept steps (the pieces path) in ${reused} of 9,000 updates`);
    assert.ok(links > 20_000, `${links} dataflow links checked`);
  });

  it('a trace trimmed of its later steps loses the links to them (the kept call no longer links to a gone tool)', () => {
    const call = { id: 'a', spanId: 'a', traceId: 't', kind: 'llm', name: 'a', dialects: [], startMs: 1, endMs: 2, durationMs: 1, status: 'ok', attributes: {}, outputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: {} }] }] } as AgentStep;
    const tool = { id: 'b', spanId: 'b', traceId: 't', kind: 'tool', name: 'b', dialects: [], startMs: 3, endMs: 4, durationMs: 1, status: 'ok', attributes: {}, toolCallId: 'c1', toolName: 'get_weather' } as AgentStep;
    const other = { ...tool, id: 'x', spanId: 'x', traceId: 'u', toolCallId: undefined, toolName: 'find_museums' } as AgentStep;
    const base = extendedDataflow(undefined, [call, tool]);
    assert.deepStrictEqual(base.links, [[0, 1, 'c1']]);
    const trimmed = extendedDataflow(base, [call, other]);
    assert.deepStrictEqual(trimmed.links, []);
    assert.deepStrictEqual(extendedParents(extendedParents(undefined, [call, tool]), [call, other]).links, parentIndices([call, other]));
  });
});
