// Step-aligned comparison of two sessions: steps in start order are matched by what they are (kind + tool
// name / model / span name) with a longest common subsequence, so an extra tool call on one side shows as
// one inserted step, not as every later step being different. Each side renders to text, block per aligned
// pair (a gap renders as a one-line placeholder), for VS Code's diff editor.
import type { AgentSession } from '../agent';
import type { AgentStep, Message } from '../agent/types';

export type AlignedPair = [left: AgentStep | undefined, right: AgentStep | undefined];

/** Above this many steps per side, alignment falls back to pairing by position (the LCS table is n*m). */
const maxLcs = 3000;

export function signature(s: AgentStep): string {
  return `${s.kind}:${s.kind === 'tool' ? (s.toolName ?? s.name) : s.kind === 'llm' ? (s.model ?? s.name) : s.name}`;
}

export function alignSteps(left: readonly AgentStep[], right: readonly AgentStep[]): AlignedPair[] {
  const a = ordered(left);
  const b = ordered(right);
  if (a.length > maxLcs || b.length > maxLcs) return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => [a[i], b[i]]);
  const sa = a.map(signature);
  const sb = b.map(signature);
  const w = b.length + 1;
  const lcs = new Uint16Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = sa[i] === sb[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: AlignedPair[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (sa[i] === sb[j]) out.push([a[i++], b[j++]]);
    else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) out.push([a[i++], undefined]);
    else out.push([undefined, b[j++]]);
  }
  while (i < a.length) out.push([a[i++], undefined]);
  while (j < b.length) out.push([undefined, b[j++]]);
  return out;
}

function ordered(steps: readonly AgentStep[]): AgentStep[] {
  return steps.map((s, i) => [s, i] as const).sort((x, y) => x[0].startMs - y[0].startMs || x[1] - y[1]).map(([s]) => s);
}

/** Both sides of the diff: the same number of blocks, in aligned order. */
export function compareTexts(left: { name: string; session: AgentSession }, right: { name: string; session: AgentSession }): { left: string; right: string; pairs: number } {
  const pairs = alignSteps(left.session.steps, right.session.steps);
  const render = (side: 0 | 1, info: { name: string; session: AgentSession }) => {
    const t = info.session.totals;
    const head = [
      `# ${info.name}`,
      `steps: ${t.steps} · LLM calls: ${t.llmCalls} · tool calls: ${t.toolCalls} · errors: ${t.errors}`,
      `tokens: ${t.inputTokens} in / ${t.outputTokens} out · cost: ${usd(t.costUsd)}${t.unpricedCalls ? ` (+${t.unpricedCalls} unpriced calls)` : ''}`,
      `wall time: ${ms(t.wallTimeMs)}`,
      '',
    ];
    const blocks = pairs.map(([l, r], k) => {
      const s = side === 0 ? l : r;
      return s ? stepBlock(k + 1, s) : `## ${k + 1}. (no matching step on this side)\n`;
    });
    return head.join('\n') + '\n' + blocks.join('\n');
  };
  return { left: render(0, left), right: render(1, right), pairs: pairs.length };
}

function stepBlock(n: number, s: AgentStep): string {
  const lines = [`## ${n}. ${s.kind} ${signature(s).slice(s.kind.length + 1)}${s.status === 'error' ? ' [error]' : ''}`];
  lines.push(`latency: ${ms(s.durationMs)}`);
  if (s.inputTokens !== undefined || s.outputTokens !== undefined) lines.push(`tokens: ${s.inputTokens ?? 0} in / ${s.outputTokens ?? 0} out${s.aggregate ? ' (sum of its calls)' : ''}`);
  if (s.costUsd !== undefined) lines.push(`cost: ${usd(s.costUsd)}`);
  else if (s.priceMissing) lines.push('cost: no price');
  if (s.systemPrompt) lines.push('system prompt:', indent(s.systemPrompt));
  if (s.inputMessages?.length) lines.push('prompt:', ...s.inputMessages.map(messageText));
  if (s.outputMessages?.length) lines.push('output:', ...s.outputMessages.map(messageText));
  if (s.toolArgs !== undefined) lines.push('tool args:', indent(json(s.toolArgs)));
  if (s.toolResult !== undefined) lines.push('tool result:', indent(json(s.toolResult)));
  if (s.error) lines.push(`error: ${s.error}`);
  return lines.join('\n') + '\n';
}

function messageText(m: Message): string {
  const parts = m.parts.map((p) => {
    switch (p.type) {
      case 'text':
      case 'reasoning':
        return p.text;
      case 'tool_call':
        return `-> ${p.name}(${json(p.arguments)})`;
      case 'tool_result':
        return `<- ${p.name ?? p.id ?? 'result'}: ${json(p.result)}`;
      default:
        return `[${p.type}]`;
    }
  });
  return indent(`${m.role}: ${parts.join('\n')}`);
}

function json(v: unknown): string {
  if (typeof v === 'string') {
    try {
      return JSON.stringify(JSON.parse(v), null, 2);
    } catch {
      return v;
    }
  }
  return JSON.stringify(v, null, 2) ?? String(v);
}

const indent = (text: string) => text.replace(/^/gm, '  ');
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v * 10) / 10} ms`);
const usd = (v: number) => `$${v.toFixed(6)}`;
