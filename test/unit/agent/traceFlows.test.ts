// A long trace's dataflow extended at its end (agent/traceFlows.ts): for the tools an extension links (the new
// ones, and the old ones of the millisecond the new steps join), exactly the links dataflowLinks finds over
// the whole trace; and it refuses where an earlier tool's call could change. Through the live model: ties a
// changed link settles come out as a whole build's.
import * as assert from 'node:assert/strict';
import { nanosToMs, normaliseSession, type AgentStep, type SpanInput } from '../../../src/core/agent';
import { dataflowLinks } from '../../../src/core/agent/dataflow';
import { LiveSession } from '../../../src/core/agent/liveSession';
import { TraceFlows, type StepLink } from '../../../src/core/agent/traceFlows';
import { randomSession } from './randomSteps';
import { randomLongRun } from './randomLongRun';
import { spanInput } from './synthetic';
import { sessionText } from './modelInputs';
import { seededInts } from '../seeded';

/** Links as sorted "from>to" ids. */
function named(links: readonly StepLink[]): string[] {
  return links.map(([a, b]) => `${a.id}@${a.startMs}>${b.id}@${b.startMs}`).sort();
}

/** dataflowLinks of `steps` as step pairs, those of the tools `of` says. */
function wholeOf(steps: readonly AgentStep[], of: (tool: AgentStep) => boolean): StepLink[] {
  return dataflowLinks(steps)
    .map(([a, b]): StepLink => [steps[a]!, steps[b]!])
    .filter(([a, b]) => of(a.kind === 'tool' ? a : b));
}

const tie = ([a, b]: StepLink) => a.startMs === b.startMs;

const llm = (id: string, startMs: number, extra: Partial<AgentStep>): AgentStep =>
  ({ id, spanId: id, traceId: 't', name: id, kind: 'llm', dialects: [], startMs, endMs: startMs, durationMs: 0, status: 'ok', attributes: {}, ...extra }) as AgentStep;
const tool = (id: string, startMs: number, extra: Partial<AgentStep>): AgentStep =>
  ({ id, spanId: id, traceId: 't', name: id, kind: 'tool', toolName: 'get_weather', dialects: [], startMs, endMs: startMs, durationMs: 0, status: 'ok', attributes: {}, ...extra }) as AgentStep;
const asks = (id: string | undefined) => ({ outputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call' as const, id, name: 'get_weather', arguments: {} }] }] });

describe("a long trace's dataflow extended at its end (traceFlows.ts)", () => {
  it('links each batch, and every old tool whose ties may change, as dataflowLinks over the whole trace does (400 random traces)', () => {
    let extended = 0;
    let refused = 0;
    for (let run = 0; run < 400; run++) {
      const r = seededInts(run + 1);
      // One trace in start order, many steps to a millisecond; tools matched by id, by name and not at all.
      const steps = randomSession(r, 4 + r(10)).map((s): AgentStep => ({ ...s, traceId: 't' }));
      let flows: TraceFlows | undefined;
      for (let at = 0; at < steps.length; ) {
        const fresh = steps.slice(at, at + 1 + r(6));
        const before = steps.slice(0, at);
        const sofar = steps.slice(0, at + fresh.length);
        const got = flows?.extend(fresh);
        if (got) {
          extended++;
          // The tools it linked: as over the whole trace. Every other tool: its ties as they were.
          const linked = new Set([...got.relinked, ...fresh]);
          assert.deepEqual(named(got.links), named(wholeOf(sofar, (t) => linked.has(t))), `run ${run}, steps ${at}-${sofar.length}`);
          const others = (t: AgentStep) => !linked.has(t);
          assert.deepEqual(named(wholeOf(sofar, others).filter(tie)), named(wholeOf(before, others).filter(tie)), `run ${run}: ties changed outside what was linked again`);
          assert.deepEqual(got.changedMs.sort(), [...new Set(got.relinked.map((s) => s.startMs))].filter((ms) => ms !== fresh[0]!.startMs).sort());
        } else {
          if (flows) refused++;
          // Refused (or none yet): the live model links the trace whole, and keeps what of() makes.
          const made = TraceFlows.of(sofar);
          assert.deepEqual(named(made.links), named(wholeOf(sofar, () => true)), `run ${run}, whole at ${sofar.length}`);
          flows = made.flows;
        }
        at += fresh.length;
      }
    }
    assert.ok(extended > 1000 && refused > 100, `${extended} batches extended, ${refused} refused`);
  });

  it('refuses a new call an earlier tool could take: by the id it gave unmatched, or by name at its millisecond', () => {
    const byId = TraceFlows.of([tool('t1', 5, { toolCallId: 'c9' })]).flows!;
    assert.equal(byId.extend([llm('a', 9, asks('c9'))]), undefined, 'the call whose id the tool gave');
    const byName = TraceFlows.of([tool('t1', 5, {})]).flows!;
    assert.equal(byName.extend([llm('a', 5, asks(undefined))]), undefined, 'a call by name at the tool\'s millisecond');
    // Later calls, or calls with other ids, change no earlier tool's call.
    const later = TraceFlows.of([tool('t1', 5, {})]).flows!;
    assert.deepEqual(later.extend([llm('a', 6, asks('c1')), tool('t2', 6, { toolCallId: 'c1' })])?.links.map(([a, b]) => `${a.id}>${b.id}`), ['a>t2']);
    assert.equal(TraceFlows.of([llm('x', 1, { aggregate: true })]).flows, undefined, 'a trace with an aggregate LLM step is linked whole');
  });

  it("through the live model: a tool whose reader changes at its millisecond is tied again (its old tie goes)", () => {
    const traceId = 'a'.repeat(32);
    const run = 'e'.repeat(16);
    const at = 1_767_225_600_000;
    const input = (spanId: string, attrs: Record<string, string>) => spanInput({ traceId, spanId: spanId.padStart(16, '0'), parentSpanId: run, name: spanId, startMs: at, endMs: at, attrs });
    const chat = (spanId: string, attrs: Record<string, string>) => input(spanId, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', ...attrs });
    // One millisecond: a call reading an earlier tool's result (no id: the tool's reader for now), the call
    // asking for the tool, the tool. Then a call reading its result by id: its reader from then on.
    const first = [
      chat('1', { 'gen_ai.input.messages': JSON.stringify([{ role: 'tool', parts: [{ type: 'text', content: 'sunny' }] }]) }),
      chat('2', { 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: {} }] }]) }),
      input('3', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'c1' }),
    ];
    const second = [chat('4', { 'gen_ai.input.messages': JSON.stringify([{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'sunny' }] }]) })];
    const seq = new Map<SpanInput, number>();
    const live = new LiveSession({}, (i) => ({ startMs: at, seq: seq.get(i)! }));
    let inputs: SpanInput[] = [];
    for (const batch of [first, second]) {
      for (const i of batch) seq.set(i, seq.size);
      inputs = [...inputs, ...batch];
      const steps = live.update(inputs, batch);
      assert.equal(live.lastUpdate, 'traces');
      assert.equal(sessionText({ steps }), sessionText({ steps: normaliseSession(inputs) }), `after ${inputs.length} spans`);
    }
    assert.deepEqual(live.steps.map((s) => s.name), ['1', '2', '3', '4']);
  });
  it('through the live model: random long runs fed in batches give a whole build after every update (60 runs)', () => {
    for (let k = 0; k < 60; k++) {
      const r = seededInts(1000 + k);
      const arrival = randomLongRun(r, 40 + r(80));
      const place = new Map<SpanInput, { startMs: number; seq: number }>();
      arrival.forEach((input, seq) => place.set(input, { startMs: nanosToMs(input.span.startTimeUnixNano), seq }));
      const order = (a: SpanInput, b: SpanInput) => place.get(a)!.startMs - place.get(b)!.startMs || place.get(a)!.seq - place.get(b)!.seq;
      const live = new LiveSession({}, (i) => place.get(i)!);
      let inputs: SpanInput[] = [];
      for (let at = 0; at < arrival.length; ) {
        const added = arrival.slice(at, (at += 1 + r(30))).sort(order);
        inputs = [...inputs, ...added].sort(order);
        const steps = live.update(inputs, added);
        assert.equal(sessionText({ steps }), sessionText({ steps: normaliseSession(inputs) }), `run ${k}, after ${inputs.length} spans`);
      }
    }
  });
});
