// A conversation sent as a sliding window (agent/windowArrays.ts): each call's array read element by
// element, the elements read a call before shared, with JSON.parse's answer every time.
import * as assert from 'node:assert/strict';
import { toMessages } from '../../../src/core/agent/messages';
import { elementRanges, WindowArrays } from '../../../src/core/agent/windowArrays';
import { seededInts } from '../seeded';

/** Each call of a long run that sends its last `keep` messages: the call's input as GenAI semconv JSON. */
function windows(calls: number, keep: number, space?: number): string[] {
  const history: object[] = [];
  const out: string[] = [];
  for (let i = 0; i < calls; i++) {
    history.push(
      { role: 'user', parts: [{ type: 'text', content: `step ${i}: what next? "quoted", [brackets] {braces}, a comma, \\ and \u00e9` }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: `call_${i}`, response: `{"day":${i},"note":"rain, then \\"sun\\""}` }] },
    );
    out.push(JSON.stringify(history.slice(-keep), null, space));
  }
  return out;
}

describe('agent model: conversations sent as sliding windows', () => {
  it('finds the elements of any JSON array, strings with quotes, brackets, commas and escapes included', () => {
    const values: unknown[][] = [
      [],
      [1, 'two', { three: [3, { four: '4,]}' }] }, null, true, -1.5e3],
      ['a "quoted" \\ back\\slash', '\\"', '\\\\', { '': '' }, [[[]]]],
      windows(3, 4).map((t) => JSON.parse(t) as unknown),
    ];
    for (const value of values) {
      for (const space of [undefined, 2]) {
        const text = JSON.stringify(value, null, space);
        const ranges = elementRanges(` ${text}\n`);
        assert.ok(ranges, text);
        const elements: unknown[] = [];
        for (let k = 0; k < ranges.length; k += 2) elements.push(JSON.parse(` ${text}\n`.slice(ranges[k], ranges[k + 1])));
        assert.deepEqual(elements, value);
      }
    }
  });

  it('reads no array where the text is not one (the whole parse decides then)', () => {
    for (const text of ['', '{}', '"[1]"', '[1,,2]', '[1,]', '[,1]', '[1 2', '[1] x', '[1]]', '["open]', '[{]', '[}]', '[1}', ']']) {
      const ranges = elementRanges(text);
      const items = new WindowArrays<unknown>().items(text, (v) => v);
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      // Either refused, or (a malformed element) refused when that element is parsed.
      if (ranges) assert.ok(!parses && items === undefined, text);
      if (text === '[1 2' || text === '[1] x') assert.equal(ranges, undefined, text);
    }
    // Each element parses, the array does not: the element check refuses it.
    assert.equal(new WindowArrays<unknown>().items('[{"a":1}, {"a":}]', (v) => v), undefined);
    assert.equal(new WindowArrays<unknown>().items('[1 2]', (v) => v), undefined);
  });

  it('shares the items of elements read before and parses only the new ones, with JSON.parse\'s values', () => {
    const window = new WindowArrays<{ value: unknown }>();
    let made = 0;
    const make = (value: unknown) => (made++, { value });
    let before: { value: unknown }[] = [];
    for (const [i, text] of windows(40, 12, 1).entries()) {
      made = 0;
      const read = window.items(text, make)!;
      assert.deepEqual(read.items.map((x) => x.value), JSON.parse(text));
      // From the second call on, all but the two new elements are the earlier call's objects.
      if (i > 0) {
        assert.equal(made, 2, `call ${i}`);
        const shared = read.items.filter((x) => before.includes(x)).length;
        assert.equal(shared, read.items.length - 2);
        // Once the window is full, what was found is most of the text (what keeps the model asking the memo).
        if (i >= 6) assert.ok(read.found * 2 > text.length, `call ${i}: ${read.found} of ${text.length}`);
      }
      before = read.items;
    }
  });

  it('a window moved on is read from the one before in one compare, and anything else element by element, with JSON.parse\'s values', () => {
    // Two runs interleaved, windows that drop 1-3 messages, a message that repeats with other text around it,
    // elements of equal length that differ, and a window whose spacing changes.
    const random = seededInts(7);
    const runs = [0, 1].map(() => ({ history: [] as object[], window: new WindowArrays<{ value: unknown }>() }));
    const shared = new WindowArrays<{ value: unknown }>();
    let previous: { value: unknown }[] = [];
    for (let call = 0; call < 400; call++) {
      const run = runs[random(2)]!;
      for (let k = 1 + random(3); k > 0; k--) run.history.push({ role: random(2) ? 'user' : 'tool', parts: [{ type: 'text', content: random(4) ? `message ${call}.${k}` : 'same text' }] });
      const keep = 4 + random(6);
      const text = JSON.stringify(run.history.slice(-keep), null, call % 50 === 49 ? 1 : undefined);
      for (const window of [run.window, shared]) {
        const read = window.items(text, (value) => ({ value }))!;
        assert.deepEqual(read.items.map((x) => x.value), JSON.parse(text), `call ${call}`);
        if (window === shared) {
          // Elements read the call before are its objects, whichever way they were found (a text that repeats
          // may be one object or two: either is shared); not across a pretty-printed call (other characters).
          const before = new Map(previous.map((x) => [JSON.stringify(x.value), x]));
          const sameLayout = call % 50 !== 49 && call % 50 !== 0;
          for (const x of read.items) {
            const key = JSON.stringify(x.value);
            if (sameLayout && before.has(key) && !key.includes('same text')) assert.equal(x, before.get(key), `call ${call}: ${key}`);
          }
          previous = read.items;
        }
      }
    }
  });

  it('toMessages of a long run\'s windows: the messages a whole parse gives, one object per message across calls', () => {
    const texts = windows(200, 20);
    let previous: unknown[] = [];
    let sharedCalls = 0;
    for (const text of texts) {
      const messages = toMessages(text);
      assert.deepEqual(messages, toMessages(JSON.parse(text)));
      if (messages.filter((m) => previous.includes(m)).length === messages.length - 2) sharedCalls++;
      previous = messages;
    }
    // The first call and the first few while the window fills (an extension, shared the same way) aside.
    assert.ok(sharedCalls >= texts.length - 12, `${sharedCalls} of ${texts.length} calls shared their earlier messages`);
  });
});
