// The Sessions view's filter: text found in session or step names, prompts and outputs, tool args and
// results; sessions with errors only; sessions that used a model. Pure, over the agent model.
import type { AgentStep, Message } from '../agent/types';
import type { SessionSummary } from '../store/types';

export interface SessionFilter {
  /** Case-insensitive substring. */
  text?: string;
  errorsOnly?: boolean;
  /** Case-insensitive substring of a step's model. */
  model?: string;
}

export function isActive(f: SessionFilter | undefined): f is SessionFilter {
  return !!f && (!!f.text?.trim() || !!f.errorsOnly || !!f.model?.trim());
}

export function describeFilter(f: SessionFilter): string {
  const parts: string[] = [];
  if (f.text?.trim()) parts.push(`"${f.text.trim()}"`);
  if (f.model?.trim()) parts.push(`model ${f.model.trim()}`);
  if (f.errorsOnly) parts.push('errors only');
  return parts.join(' · ');
}

/**
 * Parses the filter box: words are text, `model:NAME` filters by model, `is:error` keeps failed sessions.
 * Example: `weather model:gpt-4o is:error`.
 */
export function parseFilter(input: string): SessionFilter {
  const f: SessionFilter = {};
  const text: string[] = [];
  for (const word of input.trim().split(/\s+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    if (lower === 'is:error' || lower === 'is:errors') f.errorsOnly = true;
    else if (lower.startsWith('model:')) f.model = word.slice(6);
    else text.push(word);
  }
  if (text.length) f.text = text.join(' ');
  return f;
}

export function matchesSession(f: SessionFilter, session: SessionSummary, steps: readonly AgentStep[]): boolean {
  if (f.errorsOnly && session.errorCount === 0 && !steps.some((s) => s.status === 'error')) return false;
  const model = f.model?.trim().toLowerCase();
  if (model && !steps.some((s) => s.model?.toLowerCase().includes(model))) return false;
  const text = f.text?.trim().toLowerCase();
  if (text && !session.name.toLowerCase().includes(text) && !steps.some((s) => stepHasText(s, text))) return false;
  return true;
}

function stepHasText(s: AgentStep, needle: string): boolean {
  const has = (v: unknown) => v !== undefined && (typeof v === 'string' ? v : JSON.stringify(v) ?? '').toLowerCase().includes(needle);
  return has(s.name) || has(s.toolName) || has(s.toolArgs) || has(s.toolResult) || has(s.systemPrompt) || has(s.error) ||
    messagesHave(s.inputMessages, has) || messagesHave(s.outputMessages, has);
}

function messagesHave(messages: readonly Message[] | undefined, has: (v: unknown) => boolean): boolean {
  return !!messages?.some((m) => m.parts.some((p) => (p.type === 'text' || p.type === 'reasoning' ? has(p.text) : p.type === 'tool_call' ? has(p.name) || has(p.arguments) : p.type === 'tool_result' ? has(p.result) : false)));
}
