// Replay mode: a run's LLM calls answered from a cassette. Each call is matched with the next recorded
// call to the same endpoint (provider, method, path) and must have the same normalised body; then the
// recorded response is played back (streams chunk by chunk, at the recorded pace or faster) and nothing
// goes upstream. The first call that differs ends the replay: it and every later call go live
// (onDivergence 'live') or get a provider-shaped error (onDivergence 'fail'). A fork replays the steps
// before its step, sends that step with the edit (or answers with the edited response), then goes live.
import type { KeyValue } from '../otlp/model';
import { type Cassette, type CassetteExchange, chunkBytes, requestOf } from './cassette';
import { providerErrorBody } from './providers';
import { type GatewayCall, type ResponderVerdict, type StandInResponse, standIn } from './replayHooks';
import { type Difference, fingerprint, firstDifference, maxDepth, nestedDeeperThan } from './replayMatch';
import { attr } from './spans';
import { applyEdit } from './requestEdit';
import { asksForStream, canSynthesise, streamEvents } from './synthResponse';
import { bodyKindOf } from './bodyRecorder';

export type OnDivergence = 'live' | 'fail';

export const replayAttribute = 'agent_debugger.replay';
export const replayStepAttribute = 'agent_debugger.replay.step';
export const divergedAtAttribute = 'agent_debugger.replay.diverged_at';
export const divergenceAttribute = 'agent_debugger.replay.divergence';
/** The fork step was answered with the user's edited answer: nothing was sent. */
export const editedAnswerAttribute = 'agent_debugger.replay.edited_answer';

export interface ForkEdit {
  /** 1-based step of the cassette the fork starts at. */
  step: number;
  /** The step's request body as edited (sent live instead of the agent's). */
  request?: unknown;
  /** Or the step's answer as edited ("what if the model had said this"): the step is not sent. */
  response?: CassetteExchange['response'];
  /**
   * The request as it was opened for editing. When given, only what the edit changed (field by field) is
   * applied to the agent's own body: a request rebuilt from spans lacks the fields the SDK adds.
   */
  base?: unknown;
}

export interface ReplayOptions {
  onDivergence?: OnDivergence;
  /** 0 (default): answer at once; f > 0: the recorded timing divided by f (1 = as recorded). */
  speed?: number;
  fork?: ForkEdit;
  /** Added to every span of the run (a fork names its parent session). */
  attributes?: KeyValue[];
}

export interface Divergence extends Difference {
  /** The cassette step the call was compared with (or the call's number, past the cassette's end). */
  step: number;
  reason: string;
}

export class Replayer {
  readonly replayedSteps: number[] = [];
  liveCalls = 0;
  divergence: Divergence | undefined;
  /** The fork step was reached and answered with the edit. */
  forked = false;
  private readonly byEndpoint = new Map<string, { x: CassetteExchange; fp: string }[]>();
  private readonly nextIndex = new Map<string, number>();
  private callCount = 0;
  /** Past a divergence or the fork step: nothing more is replayed. */
  private done = false;

  constructor(readonly cassette: Cassette, private readonly options: ReplayOptions = {}) {
    for (const x of cassette.exchanges) {
      const key = endpointKey(x);
      let list = this.byEndpoint.get(key);
      if (!list) this.byEndpoint.set(key, (list = []));
      list.push({ x, fp: fingerprint(x.request) });
    }
  }

  /** Calls the run made through the gateway so far. */
  get calls(): number {
    return this.callCount;
  }

  /** Steps of the cassette the run never asked for (it ended early), when it did not diverge. */
  get unplayed(): number {
    return this.done ? 0 : this.cassette.exchanges.length - this.replayedSteps.length;
  }

  readonly responder = (call: GatewayCall): ResponderVerdict => {
    const verdict = this.verdict(call);
    if (this.options.attributes) verdict.attributes = [...(verdict.attributes ?? []), ...this.options.attributes];
    return verdict;
  };

  private verdict(call: GatewayCall): ResponderVerdict {
    this.callCount++;
    if (this.done) return this.afterReplay(call, [attr.str(replayAttribute, 'live')]);
    const key = endpointKey(call);
    const index = this.nextIndex.get(key) ?? 0;
    this.nextIndex.set(key, index + 1);
    const recorded = this.byEndpoint.get(key)?.[index];
    const body = requestOf(call.body);
    if (!recorded) {
      return this.diverge(call, {
        step: this.callCount, field: '', recorded: '(no such call)', now: `${call.method} ${call.path}`,
        reason: `the recording has ${index} call(s) to ${call.provider} ${call.path}; this is call ${index + 1}`,
      });
    }
    if (nestedDeeperThan(body)) {
      return this.diverge(call, { step: recorded.x.step, field: '', recorded: '(a request)', now: '(too deep to compare)', reason: `request ${recorded.x.step} is nested deeper than ${maxDepth} levels` });
    }
    const fork = this.options.fork;
    if (fork && recorded.x.step >= fork.step) return this.forkAt(call, recorded.x, fork);
    // A cassette rebuilt from spans has no exact bodies to compare: its calls are matched by order.
    if (!this.cassette.synthesized && recorded.fp !== fingerprint(body)) {
      const d = firstDifference(recorded.x.request, body) ?? { field: '', recorded: '(same)', now: '(same)' };
      return this.diverge(call, { ...d, step: recorded.x.step, reason: `request ${recorded.x.step} differs at ${d.field || 'the body'}` });
    }
    this.replayedSteps.push(recorded.x.step);
    return { answer: playback(asAsked(recorded.x, body), this.options.speed ?? 0), attributes: replayedAttributes(recorded.x.step) };
  }

  private forkAt(call: GatewayCall, x: CassetteExchange, fork: ForkEdit): ResponderVerdict {
    this.done = true;
    this.forked = true;
    const attributes = [attr.str(replayAttribute, 'forked'), attr.int(replayStepAttribute, x.step)];
    if (fork.response) return { answer: playback(asAsked({ ...x, response: fork.response }, requestOf(call.body)), 0), attributes: [...attributes, attr.bool(editedAnswerAttribute, true), attr.double('gen_ai.usage.cost', 0)] };
    if (fork.request === undefined) return { forward: call.body, attributes };
    const request = fork.base === undefined ? fork.request : applyEdit(requestOf(call.body), fork.base, fork.request);
    return { forward: Buffer.from(JSON.stringify(request)), attributes };
  }

  private diverge(call: GatewayCall, d: Divergence): ResponderVerdict {
    this.done = true;
    this.divergence = d;
    return this.afterReplay(call, [
      attr.str(replayAttribute, 'diverged'), attr.int(divergedAtAttribute, d.step),
      attr.str(divergenceAttribute, `${d.field || 'body'}: recorded ${d.recorded}, now ${d.now}`),
    ]);
  }

  private afterReplay(call: GatewayCall, attributes: KeyValue[]): ResponderVerdict {
    this.liveCalls++;
    if (this.options.onDivergence !== 'fail' || !this.divergence) return { forward: call.body, attributes };
    const d = this.divergence;
    const message = `Agent Debugger replay: the run diverged from the recording at step ${d.step} (${d.field || 'body'}: recorded ${d.recorded}, now ${d.now}); onDivergence is "fail"`;
    const answer = standIn(400, { 'content-type': 'application/json' });
    answer.push(providerErrorBody(call.provider, 400, message));
    answer.push(null);
    return { answer, attributes };
  }
}

/**
 * A plain JSON answer (rebuilt from spans, or edited) played to a call that asked for a stream: sent as the
 * provider's stream events, one chunk each.
 */
function asAsked(x: CassetteExchange, body: unknown): CassetteExchange {
  const r = x.response;
  if (!asksForStream(body) || !canSynthesise(x.provider) || bodyKindOf(r.contentType) !== 'json' || r.status !== 200) return x;
  const text = r.chunks.map((c) => chunkBytes(c).toString('utf8')).join('');
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return x;
  }
  const events = streamEvents(x.provider, json);
  const last = r.chunks[r.chunks.length - 1]?.atMs ?? 0;
  return { ...x, response: { status: 200, contentType: 'text/event-stream', chunks: events.map((text, i) => ({ atMs: (last * (i + 1)) / events.length, text })) } };
}

function endpointKey(x: { provider: string; method: string; path: string }): string {
  return `${x.provider} ${x.method} ${x.path}`;
}

function replayedAttributes(step: number): KeyValue[] {
  // A replayed call costs nothing: the span's own cost wins over the price of its tokens.
  return [attr.str(replayAttribute, 'replayed'), attr.int(replayStepAttribute, step), attr.double('gen_ai.usage.cost', 0)];
}

/** The recorded response as a stream: each chunk on its own, at its recorded time divided by `speed` (0: at once). */
export function playback(x: CassetteExchange, speed: number): StandInResponse {
  const r = x.response;
  if (r.status === 0) {
    // The recorded call never got an answer (the provider was unreachable): the agent gets the error it got then.
    const answer = standIn(502, { 'content-type': 'application/json' });
    answer.push(providerErrorBody(x.provider, 502, x.error?.message ?? 'the recorded call had no answer'));
    answer.push(null);
    return answer;
  }
  const t0 = performance.now();
  let i = 0;
  let cancel: (() => void) | undefined;
  const next = (): void => {
    cancel = undefined;
    if (answer.destroyed) return;
    const c = r.chunks[i++];
    if (!c) return void answer.push(null);
    answer.push(chunkBytes(c));
    schedule();
  };
  const schedule = (): void => {
    const c = r.chunks[i];
    const wait = c && speed > 0 ? c.atMs / speed - (performance.now() - t0) : 0;
    // setImmediate between chunks even at once: each one is written (and framed) on its own.
    if (wait > 1) {
      const t = setTimeout(next, wait);
      cancel = () => clearTimeout(t);
    } else {
      const t = setImmediate(next);
      cancel = () => clearImmediate(t);
    }
  };
  const answer = standIn(r.status, r.contentType ? { 'content-type': r.contentType } : {}, () => {
    if (cancel === undefined && i === 0) schedule();
  });
  answer.on('close', () => cancel?.());
  return answer;
}
