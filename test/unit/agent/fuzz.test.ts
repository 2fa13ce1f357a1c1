// Random attribute sets (known keys with wrong types, broken JSON, deep nesting, junk AnyValues), random
// events and log records: the normaliser and everything built on it must never throw.
import * as assert from 'node:assert/strict';
import { buildSession } from '../../../src/core/agent';
import { normaliseSpan } from '../../../src/core/agent/normalise';
import type { AnyValue, KeyValue } from '../../../src/core/otlp/model';
import { spanInput } from './synthetic';

const knownKeys = [
  'gen_ai.operation.name', 'gen_ai.system', 'gen_ai.provider.name', 'gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens', 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cost', 'gen_ai.input.messages', 'gen_ai.output.messages',
  'gen_ai.system_instructions', 'gen_ai.tool.name', 'gen_ai.tool.call.id', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result', 'gen_ai.agent.name',
  'gen_ai.prompt.0.role', 'gen_ai.prompt.0.content', 'gen_ai.prompt.x.content', 'gen_ai.completion.0.tool_calls.0.arguments', 'gen_ai.prompt.name',
  'openinference.span.kind', 'llm.model_name', 'llm.token_count.prompt', 'llm.cost.total', 'llm.input_messages.0.message.role',
  'llm.input_messages.0.message.contents.0.message_content.type', 'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments',
  'llm.input_messages.99999999.message.content', 'input.value', 'output.value', 'tool.name', 'metadata',
  'ai.operationId', 'ai.model.id', 'ai.usage.promptTokens', 'ai.usage.inputTokens', 'ai.prompt', 'ai.prompt.messages', 'ai.response.toolCalls',
  'ai.toolCall.args', 'ai.toolCall.result', 'traceloop.span.kind', 'traceloop.entity.input', 'traceloop.entity.name', 'llm.request.type',
  'code.filepath', 'code.lineno', 'error.type', '__proto__', 'llm.input_messages.__proto__.polluted', 'gen_ai.prompt.constructor.prototype.polluted', 'constructor', 'toString', '', '.', '0', 'a..b', 'gen_ai.', 'llm.input_messages.',
];

const strings = ['', 'chat', 'LLM', 'TOOL', 'execute_tool', 'invoke_agent', 'ai.toolCall', 'ai.generateText', 'workflow', 'tool', '{', '[', '[{', '"x"', 'null',
  '{"role":"user","content":[{"type":"tool-call"}]}', '[{"role":5,"parts":"nope"}]', '[{"parts":[{"type":"tool_call","arguments":"{bad"}]}]',
  '{"args":"notalist"}', '{"output":{"kwargs":null}}', '[null,1,"a",[[]]]', '{"__proto__":{"polluted":1}}', '9'.repeat(400), 'NaN'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function randomValue(r: () => number, depth: number): AnyValue {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 10));
  switch (pick) {
    case 0: return { stringValue: strings[Math.floor(r() * strings.length)] };
    case 1: return { intValue: String(Math.floor(r() * 1e6) - 5e5) };
    case 2: return { doubleValue: r() < 0.1 ? NaN : r() * 100 };
    case 3: return { boolValue: r() < 0.5 };
    case 4: return {};
    case 5: return { intValue: '99999999999999999999999' };
    case 6: return { arrayValue: { values: Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1)) } };
    case 7: return { kvlistValue: { values: randomAttributes(r, depth + 1, 4) } };
    case 8: return { bytesValue: 'AAAA' };
    default: return (r() < 0.5 ? null : { weird: true }) as unknown as AnyValue;
  }
}

function randomAttributes(r: () => number, depth: number, max: number): KeyValue[] {
  return Array.from({ length: Math.floor(r() * max) }, () => {
    const key = r() < 0.9 ? knownKeys[Math.floor(r() * knownKeys.length)] : `random.${Math.floor(r() * 100)}`;
    return { key, value: randomValue(r, depth) };
  });
}

describe('agent: normaliser fuzz', () => {
  it('never throws on 3000 random spans (attributes, events, logs, ids, times)', () => {
    const r = rng(20260101);
    const inputs = [];
    for (let i = 0; i < 3000; i++) {
      const input = spanInput({ name: strings[Math.floor(r() * strings.length)], startMs: 1e12 + Math.floor(r() * 1000), endMs: r() < 0.1 ? 0 : 1e12 + Math.floor(r() * 2000) });
      input.span.attributes = randomAttributes(r, 0, 12);
      input.span.parentSpanId = r() < 0.5 ? inputs[Math.floor(r() * (inputs.length || 1))]?.span.spanId ?? '' : r() < 0.1 ? 'ZZ' : '';
      if (r() < 0.05) input.span.spanId = inputs[0]?.span.spanId ?? input.span.spanId; // duplicate ids
      input.span.status = (r() < 0.1 ? { code: 2 } : r() < 0.05 ? undefined : { code: 1, message: '' }) as typeof input.span.status;
      input.span.events = r() < 0.3 ? [{ name: r() < 0.5 ? 'gen_ai.choice' : 'gen_ai.client.inference.operation.details', timeUnixNano: 'x', attributes: randomAttributes(r, 0, 5), droppedAttributesCount: 0 }] : [];
      if (r() < 0.2) input.logs = [{ ...spanInput({ logs: [{ eventName: 'gen_ai.user.message' }] }).logs![0], body: randomValue(r, 0), attributes: randomAttributes(r, 0, 4) }];
      if (r() < 0.02) (input.span as unknown as Record<string, unknown>).attributes = null;
      if (r() < 0.02) (input.span as unknown as Record<string, unknown>).events = 'nope';
      inputs.push(input);
      assert.doesNotThrow(() => normaliseSpan(input), `span ${i}`);
    }
    const session = buildSession(inputs, { pricing: { overrides: { '*': { input: 1, output: 1 } } } });
    assert.equal(session.steps.length, inputs.length);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(Number.isFinite(session.totals.costUsd));
  });
});
