// Google's @google/genai SDK with NO OpenTelemetry, its httpOptions.baseUrl at the gateway's Gemini base URL:
// each generateContent is an LLM step with exact tokens and $, the function it asked for a tool step between.
import * as assert from 'node:assert/strict';
// The SDK's Node types are ESM only (its CommonJS build loads fine): a dynamic import.
import type { Content } from '@google/genai' with { 'resolution-mode': 'import' };
import { GatewayHarness, PLANTED_KEY } from './harness';

describe('gateway: @google/genai without OpenTelemetry', () => {
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  it('records LLM -> tool -> LLM with exact tokens and $; the key reaches the provider', async () => {
    h.mock.answer(
      { json: { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { id: 7 } } }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 120, candidatesTokenCount: 8, totalTokenCount: 128 }, modelVersion: 'gemini-2.5-flash' } },
      { json: { candidates: [{ content: { role: 'model', parts: [{ text: 'Item 7 is a lamp.' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 140, candidatesTokenCount: 7, totalTokenCount: 147 }, modelVersion: 'gemini-2.5-flash' } },
    );
    const { GoogleGenAI } = await import('@google/genai');
    const ai = new GoogleGenAI({ apiKey: PLANTED_KEY, httpOptions: { baseUrl: h.baseUrl('gemini') } });
    const contents: Content[] = [{ role: 'user', parts: [{ text: 'What is item 7?' }] }];
    const first = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents });
    const call = first.functionCalls![0]!;
    assert.equal(call.name, 'lookup');
    contents.push(first.candidates![0]!.content!, { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { name: 'lamp' } } }] });
    const second = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents });
    assert.equal(second.text, 'Item 7 is a lamp.');

    assert.match(h.mock.requests[0]!.url, /^\/v1beta\/models\/gemini-2\.5-flash:generateContent/);
    assert.equal(h.mock.requests[0]!.headers['x-goog-api-key'], PLANTED_KEY);
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.toolName ?? s.model}`), ['llm:gemini-2.5-flash', 'tool:lookup', 'llm:gemini-2.5-flash']);
    assert.equal(steps[0]!.inputTokens, 120);
    assert.equal(steps[0]!.outputTokens, 8);
    assert.equal(steps[2]!.inputTokens, 140);
    assert.equal(steps[2]!.outputTokens, 7);
    assert.equal(totals.inputTokens, 260);
    assert.ok(steps[0]!.costUsd! > 0 && steps[2]!.costUsd! > 0, 'priced');
  });
});
