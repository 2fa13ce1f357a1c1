import * as assert from 'node:assert/strict';
import { calcPrice } from '@pydantic/genai-prices';
import { applyPrice, normaliseSession } from '../../../src/core/agent/session';
import type { AgentStep } from '../../../src/core/agent/types';
import { costFromOverride, findOverride, priceProviderId, priceUsage } from '../../../src/core/pricing';
import { spanInput } from './synthetic';

const near = (a: number | undefined, b: number) => assert.ok(a !== undefined && Math.abs(a - b) < 1e-12, `${a} != ${b}`);

describe('pricing', () => {
  it('maps GenAI, OpenInference, AI SDK and LangChain provider names to genai-prices ids', () => {
    const cases: [string, string | undefined][] = [
      ['openai', 'openai'], ['openai.chat', 'openai'], ['openai.responses', 'openai'], ['anthropic.messages', 'anthropic'],
      ['aws.bedrock', 'aws'], ['amazon-bedrock', 'aws'], ['azure.ai.openai', 'azure'], ['azure.ai.inference', 'azure'],
      ['gcp.gemini', 'google'], ['gcp.vertex_ai', 'google'], ['gcp.gen_ai', 'google'], ['google.generative-ai', 'google'],
      ['mistral_ai', 'mistral'], ['x_ai', 'x-ai'], ['xai.chat', 'x-ai'], ['groq', 'groq'], ['deepseek', 'deepseek'], ['cohere', 'cohere'],
      ['perplexity', 'perplexity'], ['OpenAI', 'openai'], ['ibm.watsonx.ai', undefined], ['FakeListChatModel', undefined], [undefined as unknown as string, undefined],
    ];
    for (const [name, id] of cases) assert.equal(priceProviderId(name), id, name);
  });

  it('agrees with calcPrice exactly, cache tokens included (input passed as the total)', () => {
    const usages = [
      { inputTokens: 1000, outputTokens: 200 },
      { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 600, cacheWriteTokens: 100 },
      { inputTokens: 5, outputTokens: 0, cacheReadTokens: 5 },
    ];
    const models: [string, string][] = [['gpt-4o', 'openai'], ['gpt-4o-mini', 'openai.chat'], ['claude-sonnet-4-5', 'anthropic'], ['claude-3-5-haiku-20241022', 'anthropic'], ['mistral-large-latest', 'mistral_ai'], ['gemini-2.5-flash', 'gcp.gemini']];
    for (const [model, provider] of models) {
      for (const u of usages) {
        const ours = priceUsage({ ...u, model, provider });
        const theirs = calcPrice({ input_tokens: u.inputTokens, output_tokens: u.outputTokens, cache_read_tokens: u.cacheReadTokens ?? 0, cache_write_tokens: u.cacheWriteTokens ?? 0 }, model, { providerId: priceProviderId(provider) });
        assert.ok(ours && 'costUsd' in ours && theirs, model);
        near(ours.costUsd, theirs.total_price);
      }
    }
  });

  it('uses the long-context tier above its start (claude-sonnet-4-5 over 200k input tokens)', () => {
    const u = { inputTokens: 250_000, outputTokens: 1000, model: 'claude-sonnet-4-5', provider: 'anthropic' };
    const ours = priceUsage(u);
    const theirs = calcPrice({ input_tokens: 250_000, output_tokens: 1000 }, 'claude-sonnet-4-5', { providerId: 'anthropic' });
    assert.ok(ours && 'costUsd' in ours && theirs);
    near(ours.costUsd, theirs.total_price);
    near(ours.costUsd, (250_000 * 6 + 1000 * 22.5) / 1e6);
  });

  it('says "no price" for an unknown model instead of $0, and nothing when no tokens were used', () => {
    assert.deepEqual(priceUsage({ model: 'mock-model-id', provider: 'mock-provider', inputTokens: 10, outputTokens: 2 }), { priceMissing: true });
    assert.deepEqual(priceUsage({ inputTokens: 10 }), { priceMissing: true });
    assert.equal(priceUsage({ model: 'gpt-4o', inputTokens: 0, outputTokens: 0 }), undefined);
  });

  it('prices an unknown provider by the model id alone, and a known provider\'s unlisted model the same way', () => {
    const r = priceUsage({ model: 'gpt-4o', provider: 'my-gateway', inputTokens: 1_000_000, outputTokens: 0 });
    assert.ok(r && 'costUsd' in r);
    near(r.costUsd, 2.5);
  });

  it('applies user overrides ($ per million; exact id before glob; first glob wins; case-insensitive)', () => {
    const overrides = { 'gpt-4o*': { input: 1, output: 2, cacheRead: 0.5 }, 'GPT-4O-MINI': { input: 10, output: 20 }, 'mock-*': { input: 3, output: 3 } };
    assert.deepEqual(findOverride(overrides, 'gpt-4o-mini'), { input: 10, output: 20 });
    assert.deepEqual(findOverride(overrides, 'gpt-4o-2024-08-06'), { input: 1, output: 2, cacheRead: 0.5 });
    assert.equal(findOverride(overrides, 'claude-3'), undefined);
    near(costFromOverride({ input: 1, output: 2, cacheRead: 0.5 }, { inputTokens: 1_000_000, cacheReadTokens: 400_000, outputTokens: 1_000_000 }), 0.6 + 0.2 + 2);
    const r = priceUsage({ model: 'mock-model-id', inputTokens: 1_000_000, outputTokens: 1_000_000 }, { overrides });
    assert.deepEqual(r, { costUsd: 6, source: 'override', pricedModel: 'mock-model-id' });
  });

  it('lets a cost on the span win over overrides and the database; overrides win over the database', () => {
    const input = (attrs: Record<string, unknown>) => spanInput({ attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1_000_000, ...attrs } });
    const overrides = { 'gpt-4o': { input: 1, output: 1 } };
    const [spanCost] = normaliseSession([input({ 'gen_ai.usage.cost': 0.123 })], { pricing: { overrides } });
    assert.deepEqual([spanCost.costUsd, spanCost.costSource], [0.123, 'span']);
    const [overridden] = normaliseSession([input({})], { pricing: { overrides } });
    assert.deepEqual([overridden.costUsd, overridden.costSource], [1, 'override']);
    const [database] = normaliseSession([input({})]);
    assert.deepEqual([database.costUsd, database.costSource], [2.5, 'database']);
  });

  it('a span cost of 0 on a call with tokens is not a price: the price database decides, and the step says so', () => {
    const chat = (attrs: Record<string, unknown>) => spanInput({ attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1_000_000, 'gen_ai.usage.cost': 0, ...attrs } });
    const [priced] = normaliseSession([chat({ 'gen_ai.request.model': 'gpt-4o' })]);
    // gpt-4o input is $2.5 per million in the price data.
    assert.deepEqual([priced.costUsd, priced.costSource, priced.priceMissing], [2.5, 'database', undefined]);
    const [unknown] = normaliseSession([chat({ 'gen_ai.request.model': 'in-house-model' })]);
    assert.deepEqual([unknown.costUsd, unknown.costSource, unknown.priceMissing], [undefined, 'none', true]);
    const [overridden] = normaliseSession([chat({ 'gen_ai.request.model': 'in-house-model' })], { pricing: { overrides: { 'in-house-*': { input: 1, output: 1 } } } });
    assert.deepEqual([overridden.costUsd, overridden.costSource], [1, 'override']);
    // OpenInference llm.cost.total = 0 as well; a positive one still wins.
    const oi = (cost: number) => spanInput({ attrs: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 1_000_000, 'llm.cost.total': cost } });
    const [zero, positive] = normaliseSession([oi(0), oi(0.5)]);
    assert.deepEqual([zero.costUsd, zero.costSource], [2.5, 'database']);
    assert.deepEqual([positive.costUsd, positive.costSource], [0.5, 'span']);
    // A 0 on a span with no tokens is just that.
    const [empty] = normaliseSession([spanInput({ attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.cost': 0 } })]);
    assert.deepEqual([empty.costUsd, empty.costSource], [0, 'span']);
  });

  describe('cache tokens: every step normalised to input = total incl. cache, priced by class', () => {
    // claude-sonnet-4-5 in @pydantic/genai-prices ($/M): input 3, cache write 3.75, cache read 0.30, output 15.
    // Anthropic's usage: input_tokens 170 (uncached), cache_read 2000, cache_creation 2300, output 50:
    //   total input 170 + 2000 + 2300 = 4470
    //   $ = (170*3 + 2000*0.3 + 2300*3.75 + 50*15) / 1e6 = (510 + 600 + 8625 + 750) / 1e6 = 0.010485
    const expected = 0.010485;
    const anthropicRaw = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4-5', 'gen_ai.usage.output_tokens': 50, 'gen_ai.usage.cache_read.input_tokens': 2000, 'gen_ai.usage.cache_creation.input_tokens': 2300 };
    const check = (s: AgentStep, what: string) => {
      assert.deepEqual([s.inputTokens, s.cacheReadTokens, s.cacheWriteTokens, s.outputTokens], [4470, 2000, 2300, 50], what);
      near(s.costUsd, expected);
    };

    it('Traceloop JS (@traceloop/instrumentation-anthropic) passes Anthropic\'s raw input_tokens: cache added', () => {
      check(normaliseSession([spanInput({ scope: '@traceloop/instrumentation-anthropic', attrs: { ...anthropicRaw, 'gen_ai.usage.input_tokens': 170 } })])[0], 'traceloop');
    });

    it('OpenLIT passes the raw number too (known by its scope or telemetry.sdk.name)', () => {
      check(normaliseSession([spanInput({ scope: '@openlit/instrumentation-anthropic', attrs: { ...anthropicRaw, 'gen_ai.usage.input_tokens': 170 } })])[0], 'openlit scope');
      check(normaliseSession([spanInput({ resource: { 'telemetry.sdk.name': 'openlit' }, attrs: { ...anthropicRaw, 'gen_ai.usage.input_tokens': 170 } })])[0], 'openlit sdk');
    });

    it('GenAI semconv by default means the total; a count below its own cache parts cannot be one', () => {
      check(normaliseSession([spanInput({ attrs: { ...anthropicRaw, 'gen_ai.usage.input_tokens': 4470 } })])[0], 'semconv total');
      check(normaliseSession([spanInput({ attrs: { ...anthropicRaw, 'gen_ai.usage.input_tokens': 170 } })])[0], 'impossible total');
    });

    it('OpenInference (prompt includes prompt_details) and AI SDK 5+ (inputTokens.total) are totals already', () => {
      const oi = spanInput({ attrs: { 'openinference.span.kind': 'LLM', 'llm.provider': 'anthropic', 'llm.model_name': 'claude-sonnet-4-5', 'llm.token_count.prompt': 4470, 'llm.token_count.completion': 50, 'llm.token_count.prompt_details.cache_read': 2000, 'llm.token_count.prompt_details.cache_write': 2300 } });
      check(normaliseSession([oi])[0], 'openinference');
      const ai = spanInput({ name: 'ai.generateText.doGenerate', attrs: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.provider': 'anthropic.messages', 'ai.model.id': 'claude-sonnet-4-5', 'ai.usage.inputTokens': 4470, 'ai.usage.outputTokens': 50, 'ai.usage.inputTokenDetails.noCacheTokens': 170, 'ai.usage.inputTokenDetails.cacheReadTokens': 2000, 'ai.usage.inputTokenDetails.cacheWriteTokens': 2300 } });
      check(normaliseSession([ai])[0], 'ai sdk');
    });

    it('OpenAI\'s prompt_tokens include cached_tokens, whatever the instrumentation', () => {
      const [s] = normaliseSession([spanInput({ scope: '@traceloop/instrumentation-openai', attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.cache_read_input_tokens': 600, 'gen_ai.usage.output_tokens': 10 } })]);
      // gpt-4o ($/M): input 2.5, cache read 1.25, output 10: (400*2.5 + 600*1.25 + 10*10) / 1e6
      assert.deepEqual([s.inputTokens, s.cacheReadTokens], [1000, 600]);
      near(s.costUsd, (400 * 2.5 + 600 * 1.25 + 10 * 10) / 1e6);
    });
  });

  it('re-pricing a step replaces an old price or an old "no price"', () => {
    const s = { model: 'mock', inputTokens: 10, startMs: 0 } as AgentStep;
    applyPrice(s, undefined);
    assert.equal(s.priceMissing, true);
    applyPrice(s, { overrides: { mock: { input: 1e6, output: 0 } } });
    assert.deepEqual([s.priceMissing, s.costUsd, s.costSource], [undefined, 10, 'override']);
  });
});
