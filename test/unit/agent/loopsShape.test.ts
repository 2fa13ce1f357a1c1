import * as assert from 'node:assert/strict';
import { canonicalJson, findLoops, type AgentStep, type Message } from '../../../src/core/agent';
import { shapeOf } from '../../../src/core/agent/loops';

/** A small seeded generator, so a failure repeats. */
function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

function value(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (pick) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return [0, -0, 1, 1.5, -2, 1e21, NaN, Infinity][Math.floor(r() * 8)];
    case 3: return ['', 'a', 'hello world', '  {not json', 'x'.repeat(Math.floor(r() * 50))][Math.floor(r() * 5)];
    case 4: return 'role-' + Math.floor(r() * 3);
    case 5: return undefined;
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 4); i > 0; i--) o[['role', 'content', 'parts', 'type', 'id', 'b', 'a'][Math.floor(r() * 7)]!] = value(r, depth + 1);
      return o;
    }
  }
}

/** The same value written differently: keys reordered, parts as JSON text, undefined keys, -0 for 0. */
function variant(v: unknown, r: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => variant(x, r));
  if (Object.is(v, 0)) return -0;
  if (typeof v === 'number' && Number.isNaN(v)) return null;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).reverse();
    const o: Record<string, unknown> = {};
    for (const k of keys) o[k] = variant((v as Record<string, unknown>)[k], r);
    if (r() < 0.3) o['extra'] = undefined;
    return r() < 0.3 && JSON.stringify(o) !== undefined ? ` ${JSON.stringify(o)}\n` : o;
  }
  return v;
}

describe('agent model: the shape that pre-groups LLM inputs for loop findings', () => {
  it('is the same for values with the same canonical JSON (reordered keys, JSON text, -0, NaN, undefined)', () => {
    const r = rng(42);
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const v = value(r, 0);
      const w = variant(v, r);
      assert.equal(canonicalJson(w), canonicalJson(v), 'the variant is canonically equal');
      assert.equal(shapeOf(w), shapeOf(v), JSON.stringify(v));
      checked++;
    }
    assert.equal(checked, 3000);
    // Past canonical's depth every value is null, an undefined one too.
    let deepUndefined: unknown = { k: undefined };
    let deepNull: unknown = { k: null };
    for (let d = 0; d < 32; d++) {
      deepUndefined = [deepUndefined];
      deepNull = [deepNull];
    }
    assert.equal(canonicalJson(deepUndefined), canonicalJson(deepNull));
    assert.equal(shapeOf(deepUndefined), shapeOf(deepNull));
  });

  it('tells apart what differs: another text, another message, another order of list items', () => {
    const shape = (v: unknown) => shapeOf(v);
    const a = [{ role: 'user', content: 'What is the weather in Paris?' }];
    assert.notEqual(shape(a), shape([{ role: 'user', content: 'What is the weather in Rome?' }]));
    assert.notEqual(shape(a), shape([...a, { role: 'assistant', content: 'Sunny.' }]));
    assert.notEqual(shape([1, 2]), shape([2, 1]));
    assert.notEqual(shape({ a: 1 }), shape({ b: 1 }));
    assert.notEqual(shape(['ab', 'c']), shape(['a', 'bc']));
  });

  /** LLM steps whose inputs are conversation `c` of `convs`; the repeated ones written differently. */
  function llmSteps(convs: number[]): AgentStep[] {
    return convs.map((c, i) => {
      const messages: Message[] = [
        { role: 'system', parts: [{ type: 'text', text: 'You plan trips.' }] },
        { role: 'user', parts: [{ type: 'text', text: `Plan day ${c} in city ${c % 7}` }] },
      ];
      if (i % 2) messages.push({ role: 'tool', parts: [{ type: 'tool_result', id: `call_${c}`, result: { tempC: c % 30, city: `city ${c % 7}` } }] } as Message);
      else messages.push({ role: 'tool', parts: [{ type: 'tool_result', id: `call_${c}`, result: JSON.stringify({ city: `city ${c % 7}`, tempC: c % 30 }) }] } as Message);
      return { id: `s${i}`, traceId: 't', spanId: `s${i}`, kind: 'llm', name: 'chat', model: 'gpt-4o', startMs: i, endMs: i + 1, durationMs: 1, status: 'ok', attributes: {}, inputMessages: messages } as unknown as AgentStep;
    });
  }

  /** The groups of repeated inputs, found the long way: every input's canonical text. */
  function expected(steps: AgentStep[]): string[][] {
    const groups = new Map<string, string[]>();
    for (const s of steps) {
      const key = canonicalJson(s.inputMessages);
      groups.set(key, [...(groups.get(key) ?? []), s.id]);
    }
    return [...groups.values()].filter((g) => g.length >= 2);
  }

  it('finds the same repeated LLM inputs as comparing every canonical text, few repeats or many', () => {
    const r = rng(7);
    // Mostly unique (shapes used), then mostly repeats (shapes given up after 1024 inputs), each > 1024 inputs.
    const few = Array.from({ length: 3000 }, (_, i) => (r() < 0.02 ? Math.floor(r() * 40) : 1000 + i));
    const many = Array.from({ length: 3000 }, () => Math.floor(r() * 60));
    for (const convs of [few, many]) {
      const steps = llmSteps(convs);
      const want = expected(steps);
      assert.ok(want.length > 5, 'the case has repeats');
      const got = findLoops(steps).filter((f) => f.kind === 'repeated-llm-input').map((f) => f.stepIds);
      assert.deepStrictEqual(got, want);
    }
  });
  it('finds them when the calls of a run share their earlier messages (conversations read as they grow)', () => {
    const steps: AgentStep[] = [];
    const step = (messages: Message[]) => {
      const i = steps.length;
      steps.push({ id: `s${i}`, traceId: 't', spanId: `s${i}`, kind: 'llm', name: 'chat', model: 'gpt-4o', startMs: i, endMs: i + 1, durationMs: 1, status: 'ok', attributes: {}, inputMessages: messages } as unknown as AgentStep);
    };
    for (let run = 0; run < 40; run++) {
      // Runs 0-9 are run again as 10-19 (fresh objects, the same content); 20-39 are their own.
      const city = run < 20 ? run % 10 : run;
      let messages: Message[] = [{ role: 'user', parts: [{ type: 'text', text: `Plan a day in city ${city}` }] }];
      for (let turn = 0; turn < 5; turn++) {
        step(messages);
        // The next call's array: this one's messages (the same objects) and two more.
        messages = messages.concat([
          { role: 'assistant', parts: [{ type: 'tool_call', id: `call_${turn}`, name: 'get_weather', arguments: { city, day: turn } }] },
          { role: 'tool', parts: [{ type: 'tool_result', id: `call_${turn}`, result: { city, day: turn, tempC: (city * 7 + turn) % 30 } }] },
        ] as Message[]);
      }
    }
    const want = expected(steps);
    assert.equal(want.length, 50, 'each of the 10 repeated runs: its 5 calls');
    const got = findLoops(steps).filter((f) => f.kind === 'repeated-llm-input').map((f) => f.stepIds);
    assert.deepStrictEqual(got, want);
    for (const s of steps) assert.equal(shapeOf(s.inputMessages), shapeOf(JSON.parse(JSON.stringify(s.inputMessages))));
  });
});
