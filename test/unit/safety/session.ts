// Test helpers: small GenAI-semconv sessions for the safety findings.
import { normaliseSession } from '../../../src/core/agent/session';
import type { AgentStep, SpanInput } from '../../../src/core/agent/types';
import { spanInput } from '../agent/synthetic';

const T = 1_767_225_600_000;

export interface ToolSpec {
  name: string;
  args?: unknown;
  result?: unknown;
  id?: string;
}

export interface TurnSpec {
  /** The model's text input (a user message). */
  user?: string;
  system?: string;
  calls?: ToolSpec[];
}

/** agent -> (chat asking for tools -> the tools) per turn -> a last chat reading every result, in one trace. */
export function agentRun(turns: TurnSpec[], agentName = 'test-agent'): AgentStep[] {
  const inputs: SpanInput[] = [];
  let t = T;
  const agentId = 'a0'.padEnd(16, '0');
  const history: unknown[] = [];
  let callN = 0;
  const spanId = () => (inputs.length + 1).toString(16).padStart(16, '1');
  for (const turn of turns) {
    if (turn.user !== undefined) history.push({ role: 'user', parts: [{ type: 'text', content: turn.user }] });
    const calls = (turn.calls ?? []).map((c) => ({ ...c, id: c.id ?? `call_${++callN}` }));
    const output = { role: 'assistant', parts: calls.length ? calls.map((c) => ({ type: 'tool_call', id: c.id, name: c.name, arguments: c.args ?? {} })) : [{ type: 'text', content: 'done' }] };
    inputs.push(chat(spanId(), agentId, (t += 10), [...history], output, turn.system));
    history.push(output);
    for (const c of calls) {
      inputs.push(spanInput({ spanId: spanId(), parentSpanId: agentId, startMs: (t += 10), endMs: t + 5, name: `execute_tool ${c.name}`, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': c.name, 'gen_ai.tool.call.id': c.id, 'gen_ai.tool.call.arguments': JSON.stringify(c.args ?? {}), 'gen_ai.tool.call.result': typeof c.result === 'string' ? c.result : JSON.stringify(c.result ?? null) } }));
      history.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: c.id, response: c.result ?? null }] });
    }
  }
  inputs.push(chat(spanId(), agentId, (t += 10), [...history], { role: 'assistant', parts: [{ type: 'text', content: 'finished' }] }));
  inputs.unshift(spanInput({ spanId: agentId, startMs: T, endMs: t + 20, name: `invoke_agent ${agentName}`, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agentName } }));
  return normaliseSession(inputs);
}

function chat(id: string, parent: string, start: number, input: unknown[], output: unknown, system?: string): SpanInput {
  const attrs: Record<string, unknown> = {
    'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.provider.name': 'openai',
    'gen_ai.input.messages': JSON.stringify(input), 'gen_ai.output.messages': JSON.stringify([output]),
    'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5,
  };
  if (system !== undefined) attrs['gen_ai.system_instructions'] = JSON.stringify([{ type: 'text', content: system }]);
  return spanInput({ spanId: id, parentSpanId: parent, startMs: start, endMs: start + 5, name: 'chat gpt-4o-mini', attrs });
}
