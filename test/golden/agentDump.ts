// A stable text dump of an agent session for golden files: steps (by position, not by id or time, so a
// re-recorded fixture with the same shape gives the same dump), conversation summaries, edges, costs,
// totals and findings.
import type { AgentSession } from '../../src/core/agent';
import type { AgentStep, Message, MessagePart } from '../../src/core/agent/types';

export function dumpSession(session: AgentSession): string {
  const pos = new Map<string, number>();
  session.steps.forEach((s, i) => pos.set(s.id, i + 1));
  const ref = (id: string) => `#${pos.get(id) ?? '?'}`;
  const lines: string[] = ['# steps'];
  session.steps.forEach((s, i) => {
    const parent = s.parentSpanId !== undefined && pos.has(s.parentSpanId) ? ` parent=${ref(s.parentSpanId)}` : '';
    lines.push(`#${i + 1} ${s.kind} ${JSON.stringify(s.name)}${parent} status=${s.status} dialects=${s.dialects.join(',') || '-'}${s.operation ? ` op=${s.operation}` : ''}`);
    const facts = [
      s.model && `model=${s.model}`,
      s.provider && `provider=${s.provider}`,
      s.agentName && `agent=${s.agentName}`,
      tokens(s),
      cost(s),
      s.retries && `retries=${s.retries}`,
    ].filter(Boolean);
    if (facts.length) lines.push(`   ${facts.join(' ')}`);
    if (s.toolName !== undefined || s.toolCallId !== undefined) lines.push(`   tool=${s.toolName ?? '-'} call=${s.toolCallId ?? '-'} args=${json(s.toolArgs)} result=${json(s.toolResult)}`);
    if (s.systemPrompt) lines.push(`   system: ${clip(s.systemPrompt)}`);
    for (const m of s.inputMessages ?? []) lines.push(`   in  ${message(m)}`);
    for (const m of s.outputMessages ?? []) lines.push(`   out ${message(m)}`);
    if (s.error) lines.push(`   error: ${s.error}`);
    if (s.events?.length) lines.push(`   events: ${s.events.map((e) => `${e.source}:${e.name}`).join(' ')}`);
    if (s.source) lines.push(`   source: ${s.source.path}:${s.source.line ?? '?'} (${s.source.how})`);
  });
  lines.push('', '# edges');
  for (const e of session.graph.edges) lines.push(`${e.kind} ${ref(e.from)} -> ${ref(e.to)}${e.label ? ` [${e.label}]` : ''}`);
  lines.push('', '# totals');
  const t = session.totals;
  lines.push(`steps=${t.steps} llm=${t.llmCalls} tools=${t.toolCalls} errors=${t.errors}`);
  lines.push(`tokens in=${t.inputTokens} out=${t.outputTokens} cacheRead=${t.cacheReadTokens} cacheWrite=${t.cacheWriteTokens} reasoning=${t.reasoningTokens}`);
  lines.push(`cost=$${t.costUsd.toFixed(8)} priced=${t.pricedCalls} unpriced=${t.unpricedCalls} modelsWithoutPrice=${t.modelsWithoutPrice.join(',') || '-'}`);
  lines.push('', '# timeline');
  const tl = session.timeline;
  lines.push(`events=${tl.length} starts=${tl.length ? tl.started[tl.length - 1] : 0} failed=${tl.endSums.failed[tl.length ? tl.finished[tl.length - 1]! : 0]}`);
  lines.push('', '# findings');
  for (const f of session.findings) lines.push(`${f.kind}: ${f.message} [${f.stepIds.map(ref).join(' ')}]`);
  if (session.findings.length === 0) lines.push('(none)');
  return lines.join('\n') + '\n';
}

function tokens(s: AgentStep): string | undefined {
  const parts = [
    s.inputTokens !== undefined && `in=${s.inputTokens}`,
    s.outputTokens !== undefined && `out=${s.outputTokens}`,
    s.cacheReadTokens && `cacheRead=${s.cacheReadTokens}`,
    s.cacheWriteTokens && `cacheWrite=${s.cacheWriteTokens}`,
    s.reasoningTokens && `reasoning=${s.reasoningTokens}`,
  ].filter(Boolean);
  return parts.length ? `tokens(${parts.join(' ')})` : undefined;
}

function cost(s: AgentStep): string | undefined {
  if (s.priceMissing) return 'cost=NO-PRICE';
  if (s.costUsd === undefined) return undefined;
  return `cost=$${s.costUsd.toFixed(8)}[${s.costSource}]${s.aggregate ? '(aggregate)' : ''}`;
}

function message(m: Message): string {
  return `${m.role}${m.finishReason ? `(${m.finishReason})` : ''}: ${m.parts.map(part).join(' | ')}`;
}

function part(p: MessagePart): string {
  switch (p.type) {
    case 'text':
      return `text ${clip(p.text)}`;
    case 'reasoning':
      return `reasoning ${clip(p.text)}`;
    case 'tool_call':
      return `tool_call ${p.name}#${p.id ?? '-'} ${json(p.arguments)}`;
    case 'tool_result':
      return `tool_result ${p.name ?? ''}#${p.id ?? '-'} ${json(p.result)}`;
    case 'media':
      return `media ${p.modality ?? ''} ${p.uri ?? p.fileId ?? ''}`.trim();
    case 'other':
      return `other ${json(p.value)}`;
  }
}

function json(v: unknown): string {
  return clip(v === undefined ? '-' : typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? '-'));
}

function clip(s: string, n = 100): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > n ? flat.slice(0, n - 1) + '…' : flat;
}
