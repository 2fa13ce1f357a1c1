import * as assert from 'node:assert/strict';
import { normaliseRole, systemPromptOf, toMessages } from '../../../src/core/agent/messages';
import { TextMemo } from '../../../src/core/agent/textMemo';
import type { Message } from '../../../src/core/agent/types';

describe('agent: messages -> conversation model', () => {
  it('reads GenAI semconv parts (tool_call_response with `response` or `result`, reasoning, uri)', () => {
    const msgs = toMessages(JSON.stringify([
      { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
      { role: 'assistant', parts: [{ type: 'reasoning', content: 'hmm' }, { type: 'tool_call', id: 'c1', name: 'f', arguments: { x: 1 } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'r1' }, { type: 'tool_call_response', id: 'c2', result: { ok: true } }] },
      { role: 'user', parts: [{ type: 'uri', modality: 'image', uri: 'https://x/y.png' }] },
    ]));
    assert.deepEqual(msgs, [
      { role: 'system', parts: [{ type: 'text', text: 'be brief' }] },
      { role: 'assistant', parts: [{ type: 'reasoning', text: 'hmm' }, { type: 'tool_call', id: 'c1', name: 'f', arguments: { x: 1 } }] },
      { role: 'tool', parts: [{ type: 'tool_result', id: 'c1', result: 'r1' }, { type: 'tool_result', id: 'c2', result: { ok: true } }] },
      { role: 'user', parts: [{ type: 'media', modality: 'image', uri: 'https://x/y.png' }] },
    ]);
    assert.equal(systemPromptOf(msgs), 'be brief');
  });

  it('reads a user message answering a tool call (Anthropic via OpenInference) as that tool result', () => {
    const msgs = toMessages(JSON.stringify([{ role: 'user', tool_call_id: 'toolu_1', content: '{"tempC":18}' }, { role: 'user', content: 'plain' }]));
    assert.deepEqual(msgs, [
      { role: 'user', parts: [{ type: 'tool_result', id: 'toolu_1', result: { tempC: 18 } }] },
      { role: 'user', parts: [{ type: 'text', text: 'plain' }] },
    ]);
  });

  it('reads OpenAI chat messages (tool_calls with JSON string arguments, tool_call_id)', () => {
    const msgs = toMessages([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"v":2}' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } }] },
    ]);
    assert.deepEqual(msgs[0].parts, [{ type: 'tool_call', id: 'call_1', name: 'get', arguments: { a: 1 } }]);
    assert.deepEqual(msgs[1].parts, [{ type: 'tool_result', id: 'call_1', result: { v: 2 } }]);
    // Inline data is not copied into the model (it stays in the raw attributes).
    assert.deepEqual(msgs[2].parts, [{ type: 'text', text: 'hi' }, { type: 'media', modality: 'image' }]);
  });

  it('reads Vercel AI SDK prompts (v4 args/result and v5+ input/output)', () => {
    const msgs = toMessages([
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'w', args: { c: 'P' } }, { type: 'tool-call', toolCallId: 't2', toolName: 'w', input: { c: 'T' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'w', result: 18 }, { type: 'tool-result', toolCallId: 't2', toolName: 'w', output: { type: 'json', value: { t: 24 } } }] },
    ]);
    assert.deepEqual(msgs[0].parts, [{ type: 'tool_call', id: 't1', name: 'w', arguments: { c: 'P' } }, { type: 'tool_call', id: 't2', name: 'w', arguments: { c: 'T' } }]);
    assert.deepEqual(msgs[1].parts, [{ type: 'tool_result', id: 't1', name: 'w', result: 18 }, { type: 'tool_result', id: 't2', name: 'w', result: { t: 24 } }]);
  });

  it('reads Anthropic, Gemini and LangChain-serialised shapes', () => {
    const anthropic = toMessages([{ role: 'assistant', content: [{ type: 'thinking', thinking: 'x' }, { type: 'tool_use', id: 'tu', name: 'n', input: { q: 1 } }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu', content: 'ok' }] }]);
    assert.deepEqual(anthropic[0].parts, [{ type: 'reasoning', text: 'x' }, { type: 'tool_call', id: 'tu', name: 'n', arguments: { q: 1 } }]);
    assert.deepEqual(anthropic[1].parts, [{ type: 'tool_result', id: 'tu', result: 'ok' }]);
    const gemini = toMessages([{ role: 'model', parts: [{ text: 'a' }, { functionCall: { name: 'f', args: { z: 1 } } }] }]);
    assert.deepEqual(gemini, [{ role: 'assistant', parts: [{ type: 'text', text: 'a' }, { type: 'tool_call', name: 'f', arguments: { z: 1 } }] }]);
    const lc = toMessages([{ lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'HumanMessage'], kwargs: { content: 'hey' } }]);
    assert.deepEqual(lc, [{ role: 'user', parts: [{ type: 'text', text: 'hey' }] }]);
  });

  it('keeps unknown parts as `other` and never throws on junk', () => {
    assert.deepEqual(toMessages([{ role: 'user', content: [{ type: 'hologram', x: 1 }] }])[0].parts, [{ type: 'other', value: { type: 'hologram', x: 1 } }]);
    for (const junk of [null, undefined, 3, '', 'plain', '[', [null, 1, [2]], { role: 5 }, { content: { deep: { er: 1 } } }]) assert.doesNotThrow(() => toMessages(junk));
    assert.deepEqual(toMessages('plain'), [{ role: 'user', parts: [{ type: 'text', text: 'plain' }] }]);
  });
});

describe('roles from untrusted spans', () => {
  it('keeps prototype names as plain role strings', () => {
    for (const role of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) assert.equal(normaliseRole(role), role.toLowerCase());
  });
});

describe('toMessages over conversations that never repeat', () => {
  // A role of its own: a memo of its own (the memos are kept per fallback role).
  const role = 'memo-test';
  const prompt = (n: number) => JSON.stringify([{ role: 'system', parts: [{ type: 'text', content: `${'Plan the trip, check the weather. '.repeat(20)} #${n}` }] }]);
  const expected = (n: number) => [{ role: 'system', parts: [{ type: 'text', text: `${'Plan the trip, check the weather. '.repeat(20)} #${n}` }] }];

  it('reads each as a whole read would, and shares again once texts repeat', () => {
    // Hundreds of prompts of their own: past the run after which only some texts ask the memos.
    for (let n = 0; n < 300; n++) assert.deepEqual(toMessages(prompt(n), role), expected(n));
    // Then one prompt over and over (a replayed run): within two samples (one in 128 texts asks, by now) it is shared again.
    const again = Array.from({ length: 264 }, () => toMessages(prompt(1000), role));
    for (const messages of again) assert.deepEqual(messages, expected(1000));
    const last = again.slice(-6);
    assert.ok(last.every((m) => m === last[0]), 'the same text is read once again, its messages shared');
    // And a conversation that grows shares the messages of the call before.
    const first = JSON.parse(prompt(2000)) as unknown[];
    const calls = Array.from({ length: 24 }, (_, k) => toMessages(JSON.stringify([...first, ...Array.from({ length: k }, (_, j) => ({ role: 'user', parts: [{ type: 'text', content: `question ${j}` }] }))]), role));
    assert.equal(calls[23].length, 24);
    assert.equal(calls[23][0], calls[22][0], 'the grown conversation keeps the earlier call\'s first message');
  });

  it('skips the memo of whole texts while a growing run never repeats one, and shares a repeated text again soon after', () => {
    const own = 'exact-test';
    const head = JSON.parse(prompt(3000)) as unknown[];
    const turn = (j: number) => ({ role: 'user', parts: [{ type: 'text', content: `question ${j}: ${'what about the weather in Lisbon? '.repeat(3)}` }] });
    const conversation = (k: number) => JSON.stringify([...head, ...Array.from({ length: k }, (_, j) => turn(j))]);
    const lookups = { n: 0 };
    const get = TextMemo.prototype.get;
    TextMemo.prototype.get = function (this: TextMemo<unknown>, text: string, compute: (text: string) => unknown) {
      lookups.n++;
      return get.call(this, text, compute);
    } as typeof get;
    try {
      // One run of 300 calls: each text is new, each found by extending the call before.
      let before: Message[] | undefined;
      for (let k = 1; k <= 300; k++) {
        const m = toMessages(conversation(k), own);
        assert.equal(m.length, k + 1);
        if (before) assert.equal(m[k - 1], before[k - 1], `call ${k} shares the messages of the call before`);
        before = m;
      }
      // 64 texts found nowhere, then one in 8 at most asks the memo of whole texts.
      assert.ok(lookups.n > 0 && lookups.n <= 64 + 236 / 8 + 1, `${lookups.n} lookups of whole texts for 300 texts that never repeat`);
    } finally {
      TextMemo.prototype.get = get;
    }
    // Then one call's text over and over (a replayed step): within two samples it is read once and shared again.
    const again = Array.from({ length: 264 }, () => toMessages(conversation(150), own));
    for (const m of again) assert.equal(m.length, 151);
    const last = again.slice(-6);
    assert.ok(last.every((m) => m === last[0]), 'the repeated text is read once again, its messages shared');
  });
});
