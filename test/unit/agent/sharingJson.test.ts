import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseJsonElementsSharing, parseJsonSharing } from '../../../src/core/agent/sharingJson';
import { seededUnit as seeded } from '../seeded';

/** JSON.parse's answer, undefined where it throws: what parseJsonSharing must give. */
function reference(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const same = (text: string) => assert.deepEqual(parseJsonSharing(text), reference(text), `text: ${JSON.stringify(text)}`);

/** A random JSON value (seeded): nesting, escapes, numbers in every form, unicode, odd keys. */
function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.35) {
    const pick = Math.floor(next() * 9);
    const strings = ['plain words', 'quote " and back\\slash', 'tab\tnew\nline', 'ünïcödé ✓ 🙂', '', '\u2028', 'x'.repeat(40)];
    return [true, false, null, -0.5e-3, 12345678901234567890, 0, strings[Math.floor(next() * strings.length)], 3.25, -7][pick];
  }
  if (r < 0.65) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const o: Record<string, unknown> = {};
  for (const key of ['role', 'content', '1', 'constructor', 'a"b', ''].slice(0, Math.floor(next() * 6))) o[key] = randomValue(next, depth + 1);
  return o;
}

describe('parseJsonSharing: JSON.parse, its strings sharing the text', () => {
  it('answers as JSON.parse does for valid JSON in every form (compact, spaced, pretty)', () => {
    const next = seeded(7);
    for (let i = 0; i < 400; i++) {
      const value = randomValue(next, 0);
      same(JSON.stringify(value));
      same(JSON.stringify(value, null, 2));
      same(` ${JSON.stringify(value).replace(/,/g, ' , ').replace(/:/g, ' :\t')} `);
    }
  });

  it('answers undefined wherever JSON.parse throws: cut, broken or mutated texts', () => {
    for (const bad of ['', ' ', '[', ']', '[1,]', '{"a":1,}', '{"a" 1}', '{a:1}', "['x']", '"open', '"bad \\x escape"', '01', '1.', '.5', '+1', '-', 'nul', 'truex', '[1 2]', '{"a":1}}', '[]]', '"raw\u0001control"', '"raw\nnewline"', '\u00a0[]', 'NaN', 'Infinity', '[1e]'])
      same(bad);
    const next = seeded(11);
    for (let i = 0; i < 400; i++) {
      const text = JSON.stringify(randomValue(next, 0));
      const at = Math.floor(next() * (text.length + 1));
      same(text.slice(0, at));
      same(text.slice(0, at) + text.slice(at + 1));
      same(`${text.slice(0, at)}${'"[]{},:\\ x0'[Math.floor(next() * 12)]}${text.slice(at)}`);
    }
  });

  it('keeps a "__proto__" key as JSON.parse does: an own property, the prototype untouched', () => {
    const value = parseJsonSharing('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(Object.hasOwn(value, '__proto__'), true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('survives nesting deeper than any stack (answers as JSON.parse does)', () => {
    same(`${'['.repeat(300)}${']'.repeat(300)}`);
    // Too deep for assert.deepEqual's own recursion: walked down here instead.
    let value = parseJsonSharing(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    let depth = 0;
    for (; typeof value === 'object' && value !== null; depth++) value = (value as { a: unknown }).a;
    assert.deepEqual([depth, value], [20_000, 1]);
  });

  it('reads the elements of an array whose opening bracket stands before the text', () => {
    const text = '[{"role":"user","content":"hi"} , {"role":"assistant","content":"hello \\"you\\""}, 3]';
    const from = text.indexOf(' , ') + 2;
    assert.deepEqual(parseJsonElementsSharing(text, from), JSON.parse(`[${text.slice(from)}`));
    assert.deepEqual(parseJsonElementsSharing('[1,]', 3), []);
    for (const bad of ['[1, 2', '[1, 2,]', '[1, 2] 3', '[1, 2]]']) assert.equal(parseJsonElementsSharing(bad, 3), undefined, bad);
    // Only what is read counts: a line break before `from`, a control character after it.
    assert.deepEqual(parseJsonElementsSharing('[\n1, "abc"]', 4), ['abc']);
    assert.equal(parseJsonElementsSharing('[\n1, "a\u0001b"]', 4), undefined);
  });

  it('keeps a fraction of the memory JSON.parse keeps for long strings (they share the text)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const texts = Array.from({ length: 2000 }, (_, i) => JSON.stringify([{ role: 'system', content: `${'A long system prompt. '.repeat(400)} #${i}` }, { role: 'user', content: `question ${i}` }]));
    const kept = (parse: (t: string) => unknown) => {
      gc();
      const before = process.memoryUsage().heapUsed;
      const values = texts.map(parse);
      gc();
      const grew = process.memoryUsage().heapUsed - before;
      assert.equal(values.length, texts.length);
      return grew;
    };
    const copied = kept((t) => JSON.parse(t));
    const shared = kept(parseJsonSharing);
    // 2000 prompts of ~8.8 KB: JSON.parse keeps ~17 MB of copies; the slices and objects ~1 MB.
    assert.ok(copied > 16e6, `JSON.parse kept ${copied} bytes`);
    assert.ok(shared < copied / 4, `parseJsonSharing kept ${shared} bytes, JSON.parse ${copied}`);
  });

  it('copies a short part of a long text: what is kept of it does not keep the whole text', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    // A conversation of 40 messages of ~240 characters: the newest is what a later call keeps of it.
    const texts = Array.from({ length: 1000 }, (_, i) => JSON.stringify(Array.from({ length: 40 }, (_, m) => ({ role: 'user', content: `message ${m} of call ${i} ${'words '.repeat(36)}` }))));
    const newest = texts.map((t) => (parseJsonSharing(t) as { content: string }[])[39]!.content);
    texts.length = 0; // the texts go: only what was kept of them may stay
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    assert.equal(newest.length, 1000);
    // 1000 copies of ~240 characters: well under 1 MB; views would keep the ~10 MB of texts.
    assert.ok(kept < 2e6, `kept ${kept} bytes`);
  });
});
