import * as assert from 'node:assert/strict';
import type { AgentStep } from '../../../src/core/agent';
import { dataflowLinks } from '../../../src/core/agent/dataflow';
import { NamedCalls, type ToolCallRef } from '../../../src/core/agent/namedCalls';
import { seededInts } from '../seeded';

/** The rule as first written: walk back over every call, skipping later and matched ones. */
function reference(steps: readonly AgentStep[], calls: readonly ToolCallRef[], tool: AgentStep): ToolCallRef | undefined {
  let first: ToolCallRef | undefined;
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i]!;
    if (steps[c.llm]!.startMs > tool.startMs) continue;
    if (c.used || (c.id !== undefined && tool.toolCallId !== undefined)) {
      if (first) break;
      continue;
    }
    if (first && c.llm !== first.llm) break;
    first = c;
  }
  return first;
}

describe('tool calls matched by name (namedCalls.ts)', () => {
  it('takes the call the walk over every call takes, in 3,000 random runs of calls and tools (ids, parallel calls, ties, out of order)', () => {
    for (let run = 0; run < 3000; run++) {
      const r = seededInts(run + 1);
      const llms = 1 + r(12);
      const steps: AgentStep[] = [];
      let t = 0;
      for (let i = 0; i < llms; i++) steps.push({ startMs: (t += r(3)) } as AgentStep);
      // Out of start order now and then: the slow walk answers then.
      if (run % 10 === 0 && steps.length > 1) [steps[0], steps[1]] = [{ startMs: steps[1]!.startMs + 1 } as AgentStep, steps[0]!];
      const refs: ToolCallRef[] = [];
      const named = new NamedCalls(steps);
      const twin: ToolCallRef[] = [];
      for (let llm = 0; llm < llms; llm++) {
        for (let k = r(6); k > 0; k--) {
          const ref: ToolCallRef = { llm, name: 'search', used: false };
          if (r(3) === 0) ref.id = `call_${refs.length}`;
          refs.push(ref);
          twin.push({ ...ref });
          named.add(ref);
        }
      }
      for (let k = 0; k < 3 * refs.length + 2; k++) {
        // Some calls are matched by their id elsewhere.
        if (r(5) === 0 && refs.length > 0) {
          const i = r(refs.length);
          refs[i]!.used = twin[i]!.used = true;
          continue;
        }
        const tool = { startMs: r(t + 3) - 1, toolCallId: r(2) ? 'x' : undefined } as AgentStep;
        const got = named.callFor(tool);
        const want = reference(steps, twin, tool);
        assert.equal(got === undefined ? -1 : refs.indexOf(got), want === undefined ? -1 : twin.indexOf(want), `run ${run}, tool ${k}`);
        // Mostly taken; a query that takes nothing leaves everything as it was.
        if (got && r(3) > 0) got.used = twin[refs.indexOf(got)]!.used = true;
      }
    }
  });

  it('a long run of tools without call ids is matched in linear time', () => {
    const steps: AgentStep[] = [];
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const t = i * 10;
      steps.push({ id: `l${i}`, traceId: 't', spanId: `l${i}`, kind: 'llm', startMs: t, endMs: t + 3, outputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call', name: 'fetch', arguments: {} }] }] } as unknown as AgentStep);
      steps.push({ id: `t${i}`, traceId: 't', spanId: `t${i}`, kind: 'tool', toolName: i % 3 ? 'fetch' : 'send', startMs: t + 4, endMs: t + 8 } as unknown as AgentStep);
    }
    const started = performance.now();
    const links = dataflowLinks(steps);
    const ms = performance.now() - started;
    // Each fetch takes the call just before it; no send has a call.
    assert.equal(links.length, n - Math.ceil(n / 3));
    assert.ok(links.every(([from, to]) => to === from + 1), 'each tool matched to the LLM call just before it');
    // Quadratic, this took seconds; linear, tens of milliseconds.
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  });
});
