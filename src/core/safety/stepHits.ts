// What the text detectors found in each step and input message, kept per step and per message object. A
// live session's views scan the whole session again at every refresh; the model keeps the steps that did
// not change and a run's calls share their messages, so a step or message met before is neither read nor
// scanned again (a 100k-span long run's scan took ~0.5 s a refresh). Only texts with a hit are kept, and
// most steps have none: a text without a hit gives no finding wherever it appears.
import type { AgentStep, Message } from '../agent/types';
import { detectInjection } from './injection';
import { detectPii, detectSecrets } from './secrets';
import { messageSentTexts, messageUntrustedTexts, stepUntrustedTexts, stringLeaves, type FieldText } from './stepTexts';
import type { TextMatch } from './textMatch';
import type { SafetyKind } from './types';

export interface Found {
  kind: SafetyKind;
  match: TextMatch;
}

/** A text with a hit; a message's fields follow its `input[i]`. */
export interface Hit {
  field: string;
  text: string;
  found: readonly Found[];
}

export interface MessageHits {
  /** Tool results in it (untrusted, read for injection when an LLM call's input). */
  untrusted: readonly Hit[];
  /** All of it (sent to the model: read for secrets and personal data). */
  sent: readonly Hit[];
}

export interface StepHits {
  untrusted: readonly Hit[];
  /** The system prompt's (scanned before the input messages) and the tool arguments' (after them). */
  system: readonly Hit[];
  args: readonly Hit[];
  /** The input messages with a hit, with their place in the input. */
  messages: readonly { at: number; message: Message; hits: MessageHits }[];
}

const none: readonly Hit[] = Object.freeze([]);
const noMessageHits: MessageHits = Object.freeze({ untrusted: none, sent: none });
export const noStepHits: StepHits = Object.freeze({ untrusted: none, system: none, args: none, messages: Object.freeze([]) });
const byStep = new WeakMap<AgentStep, StepHits>();
const byMessage = new WeakMap<Message, MessageHits>();

const nothing: readonly Found[] = Object.freeze([]);
const tagged = (kind: SafetyKind, matches: TextMatch[]): Found[] => matches.map((match) => ({ kind, match }));

/** The detectors' answers by text, for one scan: a text that many steps carry is read once. */
export class Detections {
  private readonly untrusted = new Map<string, readonly Found[]>();
  private readonly sent = new Map<string, readonly Found[]>();

  readonly injection = (text: string): readonly Found[] => {
    let found = this.untrusted.get(text);
    if (found === undefined) {
      const matches = detectInjection(text);
      this.untrusted.set(text, (found = matches.length === 0 ? nothing : tagged('injection', matches)));
    }
    return found;
  };

  readonly leaks = (text: string): readonly Found[] => {
    let found = this.sent.get(text);
    if (found === undefined) {
      const secrets = detectSecrets(text);
      const pii = detectPii(text);
      this.sent.set(text, (found = secrets.length + pii.length === 0 ? nothing : tagged('secret', secrets).concat(tagged('pii', pii))));
    }
    return found;
  };
}

function hitsIn(texts: readonly FieldText[], find: (text: string) => readonly Found[]): readonly Hit[] {
  let out: Hit[] | undefined;
  for (const t of texts) {
    const found = find(t.text);
    if (found.length > 0) (out ??= []).push({ field: t.field, text: t.text, found });
  }
  return out ?? none;
}

function messageHits(m: Message, d: Detections): MessageHits {
  let hits = byMessage.get(m);
  if (hits === undefined) {
    const untrusted = hitsIn(messageUntrustedTexts(m), d.injection);
    const sent = hitsIn(messageSentTexts(m), d.leaks);
    byMessage.set(m, (hits = untrusted.length + sent.length === 0 ? noMessageHits : { untrusted, sent }));
  }
  return hits;
}

/** A step's hits (noStepHits for none), found the first time the step is scanned. */
export function stepHits(step: AgentStep, d: Detections): StepHits {
  let hits = byStep.get(step);
  if (hits !== undefined) return hits;
  const untrusted = hitsIn(stepUntrustedTexts(step), d.injection);
  const system = step.systemPrompt ? hitsIn([{ field: 'system', text: step.systemPrompt }], d.leaks) : none;
  const args = step.toolArgs !== undefined ? hitsIn(stringLeaves(step.toolArgs, 'args'), d.leaks) : none;
  const messages: { at: number; message: Message; hits: MessageHits }[] = [];
  const input = step.inputMessages ?? [];
  for (let at = 0; at < input.length; at++) {
    const message = input[at]!;
    const mh = messageHits(message, d);
    if (mh !== noMessageHits) messages.push({ at, message, hits: mh });
  }
  hits = untrusted.length + system.length + args.length + messages.length === 0 ? noStepHits : { untrusted, system, args, messages };
  byStep.set(step, hits);
  return hits;
}
