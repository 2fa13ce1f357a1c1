// A cassette for a session the gateway did not record, rebuilt from its LLM steps when their spans carry
// the whole model output: each step's answer in its provider's format. Otherwise the reason it cannot be,
// naming the first step that lacks what is needed.
import type { AgentStep, Message } from '../agent/types';
import { type Cassette, CASSETTE_FORMAT, CASSETTE_VERSION } from './cassette';
import { canSynthesise, chatPath, requestBody, responseBody } from './synthResponse';
import type { SemconvMessage, SemconvPart } from './types';

export type Synthesis = { cassette: Cassette } | { reason: string };

function semconv(messages: readonly Message[] | undefined): SemconvMessage[] {
  return (messages ?? []).map((m) => ({
    role: m.role,
    ...(m.finishReason ? { finish_reason: m.finishReason } : {}),
    parts: m.parts.flatMap((p): SemconvPart[] => {
      switch (p.type) {
        case 'text': return [{ type: 'text', content: p.text }];
        case 'reasoning': return [{ type: 'reasoning', content: p.text }];
        case 'tool_call': return [{ type: 'tool_call', id: p.id, name: p.name, arguments: p.arguments }];
        case 'tool_result': return [{ type: 'tool_call_response', id: p.id, response: p.result }];
        default: return [];
      }
    }),
  }));
}

/** The provider id a step's provider name stands for (semconv names and common variants). */
function providerOf(step: AgentStep): string {
  const p = (step.provider ?? '').toLowerCase();
  if (p === 'openai' || p === 'azure.ai.openai' || p === 'azure_openai') return 'openai';
  if (p === 'anthropic' || p === 'aws.bedrock.anthropic') return 'anthropic';
  return p || 'an unknown provider';
}

export function cassetteFromSteps(steps: readonly AgentStep[], recordedAt = new Date()): Synthesis {
  const llm = steps.filter((s) => s.kind === 'llm');
  if (llm.length === 0) return { reason: 'the session has no LLM steps' };
  const origin = llm[0]!.startMs;
  const exchanges: Cassette['exchanges'] = [];
  for (const [i, step] of llm.entries()) {
    const n = i + 1;
    const provider = providerOf(step);
    if (!canSynthesise(provider)) return { reason: `LLM step ${n} (${step.name}) was a call to ${provider}; answers can be rebuilt from spans for OpenAI and Anthropic calls only` };
    const output = semconv(step.outputMessages);
    if (!output.some((m) => m.parts.length) && !step.error) {
      return { reason: `LLM step ${n} (${step.name}) has no recorded output: its spans do not carry the model's answer (turn on message content capture in the instrumentation, or run the agent with the LLM gateway)` };
    }
    const model = step.model;
    // The request names the model asked for; the answer, the one that answered (a dated version).
    const asked = step.attributes['gen_ai.request.model'];
    const body = responseBody(provider, { model, messages: output, finishReasons: output[0]?.finish_reason ? [output[0].finish_reason] : [], usage: { input: step.inputTokens, output: step.outputTokens } }, `synth-${n}`);
    const duration = Math.max(0, step.durationMs);
    exchanges.push({
      step: n, provider, method: 'POST', path: chatPath(provider), startMs: Math.max(0, step.startMs - origin), durationMs: duration,
      request: requestBody(provider, typeof asked === 'string' ? asked : model, step.systemPrompt, semconv(step.inputMessages)),
      response: { status: 200, contentType: 'application/json', chunks: [{ atMs: duration, text: JSON.stringify(body) }] },
    });
  }
  return { cassette: { format: CASSETTE_FORMAT, version: CASSETTE_VERSION, recordedAt: recordedAt.toISOString(), exchanges, synthesized: true } };
}
