import * as assert from 'node:assert/strict';
import { GrowingArrays } from '../../../src/core/agent/growingArrays';
import { toMessages } from '../../../src/core/agent/messages';
import type { Message } from '../../../src/core/agent/types';

/** A run's conversation after each call: the system prompt, then a user turn and turns added two at a time. */
function conversation(turns: number, run: number, space?: number): string[] {
  const history: object[] = [
    { role: 'system', parts: [{ type: 'text', content: `You are a planner. ${'Check the weather first. '.repeat(4)}` }] },
    { role: 'user', parts: [{ type: 'text', content: `Plan run ${run}` }] },
  ];
  const texts = [JSON.stringify(history, null, space)];
  for (let i = 0; i < turns; i++) {
    history.push(
      { role: 'assistant', parts: [{ type: 'tool_call', id: `call_${i}`, name: 'get_weather', arguments: { day: i } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: `call_${i}`, response: `{"day":${i},"run":${run}}` }] },
    );
    texts.push(JSON.stringify(history, null, space));
  }
  return texts;
}

/** Parses like the model: a text it extends in what it adds, else whole (and remembered). */
function reader() {
  const growing = new GrowingArrays<unknown>();
  let grown = 0;
  return {
    read(text: string): unknown[] {
      const extended = growing.extend(text, (values) => values);
      if (extended) {
        grown++;
        return extended;
      }
      const whole = JSON.parse(text) as unknown[];
      growing.add(text, whole);
      return whole;
    },
    get grown() {
      return grown;
    },
  };
}

describe('agent: conversations that grow are read in what they add', () => {
  for (const space of [undefined, 2]) {
    it(`reads each call of a run as JSON.parse does, sharing the earlier call's items (${space ? 'pretty-printed' : 'compact'} JSON)`, () => {
      const r = reader();
      const texts = conversation(6, 1, space);
      let before: unknown[] = [];
      for (const text of texts) {
        const read = r.read(text);
        assert.deepEqual(read, JSON.parse(text));
        // The items the earlier call had are the same objects.
        before.forEach((item, i) => assert.equal(read[i], item));
        before = read;
      }
      assert.equal(r.grown, texts.length - 1);
    });
  }

  it('keeps runs that start alike apart (interleaved), and a text that extends none is read whole', () => {
    const r = reader();
    const a = conversation(5, 1);
    const b = conversation(5, 2);
    for (let i = 0; i < a.length; i++) {
      assert.deepEqual(r.read(a[i]!), JSON.parse(a[i]!));
      assert.deepEqual(r.read(b[i]!), JSON.parse(b[i]!));
    }
    assert.equal(r.grown, 2 * (a.length - 1));
    // A different turn at the end of a known prefix is not an extension.
    const other = JSON.stringify([...JSON.parse(a[1]!).slice(0, 2), { role: 'user', content: 'something else' }]);
    assert.deepEqual(r.read(other), JSON.parse(other));
    assert.equal(r.grown, 2 * (a.length - 1));
  });

  it('never accepts what JSON.parse refuses: a trailing comma, a broken tail, text after the array', () => {
    const growing = new GrowingArrays<unknown>();
    const [first] = conversation(0, 1);
    growing.add(first!, JSON.parse(first!) as unknown[]);
    const open = first!.slice(0, -1);
    for (const bad of [`${open},]`, `${open}, ]`, `${open},{"role":]`, `${open},{"role":"user"}] x`, `${open},{"role":"user"}`]) {
      assert.throws(() => JSON.parse(bad));
      assert.equal(growing.extend(bad, (values) => values), undefined, bad);
    }
    const good = `${open} , {"role":"user"} ]`;
    assert.deepEqual(growing.extend(good, (values) => values), JSON.parse(good));
  });

  it('does not extend an empty array or a text too short to file', () => {
    const growing = new GrowingArrays<unknown>();
    const empty = `[${' '.repeat(80)}]`;
    growing.add(empty, []);
    assert.equal(growing.extend(`[${' '.repeat(80)},1]`, (values) => values), undefined);
    growing.add('[1,2]', [1, 2]);
    assert.equal(growing.extend('[1,2,3]', (values) => values), undefined);
  });

  it('gives toMessages the same conversation as a whole read, sharing the messages of the call before', () => {
    const texts = conversation(4, 7);
    const expected = texts.map((t) => toMessages(JSON.parse(t) as unknown));
    let before: Message[] = [];
    for (let i = 0; i < texts.length; i++) {
      const read = toMessages(texts[i]);
      assert.deepEqual(read, expected[i]);
      before.forEach((m, k) => assert.equal(read[k], m));
      before = read;
    }
  });
  it('forgets what it keeps past a few MB of texts (a long run\'s conversations are hundreds of KB each)', () => {
    const growing = new GrowingArrays<unknown>();
    const [first, second] = conversation(1, 3);
    growing.add(first!, JSON.parse(first!) as unknown[]);
    // Other runs' conversations, 200k characters each: 4 MB of them is kept with the first still there.
    const big = (n: number) => JSON.stringify([{ role: 'user', content: `run ${n} ${'x'.repeat(200_000)}` }]);
    for (let n = 0; n < 20; n++) growing.add(big(n), [n]);
    assert.deepEqual(growing.extend(second!, (values) => values), JSON.parse(second!));
    // 20 MB more: forgotten.
    for (let n = 20; n < 120; n++) growing.add(big(n), [n]);
    assert.equal(growing.extend(second!, (values) => values), undefined);
    // The newest are still kept: the one just added extends.
    const last = big(119);
    assert.deepEqual(growing.extend(`${last.slice(0, -1)},2]`, (values) => values), [119, 2]);
  });
});
