// What the Variables view shows for a step, as a tree the adapter hands out lazily: the step itself,
// the input messages, the output, the tool call, tokens & cost, and the raw attributes.
import { parseJsonLoose } from '../agent/attributes';
import type { AgentStep, Message, MessagePart, SourceLocation } from '../agent/types';
import { formatUsdPrecise } from '../format';

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  /** Children, computed when the user expands the node. */
  expand?: () => VarNode[];
}

export interface VarScope {
  name: string;
  vars: VarNode[];
}

export interface StepContext {
  /** $ of the session up to and including this step. */
  cumulativeUsd: number;
  source?: SourceLocation;
}

const maxPreview = 120;

export function stepScopes(step: AgentStep, ctx: StepContext): VarScope[] {
  const scopes: VarScope[] = [{ name: 'Step', vars: stepFacts(step, ctx) }];
  if (step.inputMessages?.length) scopes.push({ name: 'Input messages', vars: step.inputMessages.map(messageNode) });
  const output: VarNode[] = (step.outputMessages ?? []).map(messageNode);
  if (step.kind === 'tool' && step.toolResult !== undefined) output.push(valueNode('result', step.toolResult));
  if (output.length) scopes.push({ name: 'Output', vars: output });
  if (step.kind === 'tool' || step.toolName !== undefined) scopes.push({ name: 'Tool', vars: toolVars(step) });
  const usage = usageVars(step, ctx);
  if (usage.length) scopes.push({ name: 'Tokens & cost', vars: usage });
  scopes.push({ name: 'Attributes', vars: Object.keys(step.attributes).sort().map((k) => valueNode(k, step.attributes[k])) });
  return scopes;
}

function stepFacts(step: AgentStep, ctx: StepContext): VarNode[] {
  const facts: [string, unknown][] = [
    ['kind', step.kind],
    ['name', step.name],
    ['status', step.status],
    ['error', step.error],
    ['durationMs', round(step.durationMs)],
    ['model', step.model],
    ['provider', step.provider],
    ['agent', step.agentName],
    ['operation', step.operation],
    ['source', ctx.source ? `${ctx.source.path}${ctx.source.line ? `:${ctx.source.line}` : ''} (${ctx.source.how})` : undefined],
    ['spanId', step.spanId],
    ['traceId', step.traceId],
  ];
  return facts.filter(([, v]) => v !== undefined).map(([k, v]) => valueNode(k, v));
}

function toolVars(step: AgentStep): VarNode[] {
  const vars: VarNode[] = [];
  if (step.toolName !== undefined) vars.push(valueNode('name', step.toolName));
  if (step.toolCallId !== undefined) vars.push(valueNode('callId', step.toolCallId));
  if (step.toolArgs !== undefined) vars.push(valueNode('args', parseJsonLoose(step.toolArgs)));
  if (step.toolResult !== undefined) vars.push(valueNode('result', parseJsonLoose(step.toolResult)));
  return vars;
}

function usageVars(step: AgentStep, ctx: StepContext): VarNode[] {
  const vars: VarNode[] = [];
  const add = (name: string, v: number | undefined) => v !== undefined && vars.push(valueNode(name, v));
  add('inputTokens', step.inputTokens);
  add('outputTokens', step.outputTokens);
  add('cacheReadTokens', step.cacheReadTokens);
  add('cacheWriteTokens', step.cacheWriteTokens);
  add('reasoningTokens', step.reasoningTokens);
  if (step.costUsd !== undefined) vars.push({ name: 'costUsd', value: formatUsdPrecise(step.costUsd), type: 'number' });
  if (step.priceMissing) vars.push({ name: 'costUsd', value: 'no price known for this model', type: 'string' });
  if (step.aggregate) vars.push({ name: 'aggregate', value: 'true (sums its children; not counted twice)', type: 'boolean' });
  if (vars.length || ctx.cumulativeUsd > 0) vars.push({ name: 'sessionUsdSoFar', value: formatUsdPrecise(ctx.cumulativeUsd), type: 'number' });
  return vars;
}

function messageNode(m: Message, i: number): VarNode {
  const text = m.parts.map(partPreview).join(' | ');
  return {
    name: `[${i}] ${m.role}`,
    value: preview(text),
    type: 'message',
    expand: () => [
      valueNode('role', m.role),
      ...(m.name !== undefined ? [valueNode('name', m.name)] : []),
      ...(m.finishReason !== undefined ? [valueNode('finishReason', m.finishReason)] : []),
      ...m.parts.map((p, j) => valueNode(`part ${j} (${p.type})`, partValue(p))),
    ],
  };
}

function partPreview(p: MessagePart): string {
  switch (p.type) {
    case 'text':
    case 'reasoning':
      return p.text;
    case 'tool_call':
      return `${p.name}(${typeof p.arguments === 'string' ? p.arguments : JSON.stringify(p.arguments)})`;
    case 'tool_result':
      return `-> ${typeof p.result === 'string' ? p.result : JSON.stringify(p.result)}`;
    case 'media':
      return `[${p.modality ?? 'media'}]`;
    case 'other':
      return JSON.stringify(p.value) ?? '';
  }
}

function partValue(p: MessagePart): unknown {
  switch (p.type) {
    case 'text':
    case 'reasoning':
      return p.text;
    case 'tool_call':
      return { id: p.id, name: p.name, arguments: parseJsonLoose(p.arguments) };
    case 'tool_result':
      return { id: p.id, name: p.name, result: parseJsonLoose(p.result) };
    default:
      return p;
  }
}

/** Any JSON-ish value as a node; objects and arrays expand. */
export function valueNode(name: string, v: unknown, depth = 0): VarNode {
  if (v === null || v === undefined) return { name, value: String(v), type: 'null' };
  if (typeof v === 'string') return { name, value: JSON.stringify(v), type: 'string' };
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return { name, value: String(v), type: typeof v };
  if (Array.isArray(v)) {
    return { name, value: `Array(${v.length})`, type: 'array', expand: depth < 32 ? () => v.map((x, i) => valueNode(`[${i}]`, x, depth + 1)) : undefined };
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    return {
      name,
      value: preview(JSON.stringify(v) ?? '{…}'),
      type: 'object',
      expand: depth < 32 ? () => keys.map((k) => valueNode(k, (v as Record<string, unknown>)[k], depth + 1)) : undefined,
    };
  }
  return { name, value: String(v) };
}

function preview(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > maxPreview ? one.slice(0, maxPreview - 1) + '…' : one;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
