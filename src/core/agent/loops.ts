// Loop findings: the same tool called with identical arguments >= 3 times in a session, and the same
// LLM input (model + messages) sent more than once. Arguments are compared as canonical JSON (keys
// sorted, JSON strings parsed), so {"a":1,"b":2} and '{"b":2,"a":1}' are the same call.
import { setOwn } from './attributes';
import type { AgentStep, Message } from './types';

export type FindingKind = 'repeated-tool-call' | 'repeated-llm-input';

export interface Finding {
  kind: FindingKind;
  message: string;
  stepIds: string[];
}

export interface LoopOptions {
  /** Identical tool calls needed for a finding (default 3). */
  minToolRepeats?: number;
  /** Identical LLM inputs needed for a finding (default 2). */
  minLlmRepeats?: number;
}

export function findLoops(steps: readonly AgentStep[], options: LoopOptions = {}): Finding[] {
  const minTool = options.minToolRepeats ?? 3;
  const minLlm = options.minLlmRepeats ?? 2;
  // Keyed by name (or model), then by the canonical text: one long conversation text is hashed once, not
  // copied into a key per step.
  const tools = new Groups();
  const llms = new Groups();
  for (const s of steps) {
    if (s.kind === 'tool' && s.toolName !== undefined) {
      tools.add(s.toolName, canonicalJson(s.toolArgs), s);
    } else if (s.kind === 'llm' && !s.aggregate && s.inputMessages && s.inputMessages.length > 0) {
      llms.add(s.model ?? '', messagesKey(s.inputMessages), s);
    }
  }
  const findings: Finding[] = [];
  for (const group of tools.inOrder) {
    if (group.length < minTool) continue;
    const args = canonicalJson(group[0].toolArgs);
    findings.push({
      kind: 'repeated-tool-call',
      message: `${group[0].toolName} was called ${group.length} times with the same arguments ${truncate(args, 120)}`,
      stepIds: group.map((s) => s.id),
    });
  }
  for (const group of llms.inOrder) {
    if (group.length < minLlm) continue;
    findings.push({
      kind: 'repeated-llm-input',
      message: `the same input (${group[0].inputMessages?.length ?? 0} messages) was sent to ${group[0].model ?? 'the model'} ${group.length} times`,
      stepIds: group.map((s) => s.id),
    });
  }
  return findings;
}

/** Steps grouped by a name and a key, the groups in the order their first step came. */
class Groups {
  private readonly byName = new Map<string, Map<string, AgentStep[]>>();
  readonly inOrder: AgentStep[][] = [];

  add(name: string, key: string, s: AgentStep): void {
    let byKey = this.byName.get(name);
    if (!byKey) this.byName.set(name, (byKey = new Map()));
    const list = byKey.get(key);
    if (list) list.push(s);
    else {
      const group = [s];
      byKey.set(key, group);
      this.inOrder.push(group);
    }
  }
}

/** Conversations are shared between the steps that carry the same text (textMemo.ts): made canonical once. */
const canonicalMessages = new WeakMap<readonly Message[], string>();

function messagesKey(messages: readonly Message[]): string {
  let key = canonicalMessages.get(messages);
  if (key === undefined) canonicalMessages.set(messages, (key = canonicalJson(messages)));
  return key;
}

/** JSON with object keys sorted at every level; JSON-looking strings are parsed first. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value, 0)) ?? 'undefined';
}

function canonical(v: unknown, depth: number): unknown {
  if (depth > 32) return null;
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return canonical(JSON.parse(t), depth + 1);
      } catch {
        return v;
      }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => canonical(x, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) setOwn(out, k, canonical((v as Record<string, unknown>)[k], depth + 1));
    return out;
  }
  return v;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
