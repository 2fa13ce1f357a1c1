// Which session a span (or log record) belongs to. Live rules, first match wins:
//  1. `agent_debugger.session.id` (resource, then span attribute): our launcher's id for a debug run.
//  2. the session its trace already went to: a trace is never split by the rules below.
//  3. `session.id` / `gen_ai.conversation.id` (span, then resource attribute).
//  4. the service instance's current session, unless it received nothing for `sessionGapMs`
//     (receipt clock), in which case the instance starts a new session.
// A trace sitting in an instance session moves to an explicit one (1 or 3) when a later span of it
// names one: agents often put `session.id` on the root span only, and the root is exported last.
// Names: a launched run's is its launch configuration's (the host registers it); an explicit id names its
// session; any other is named after the agent (`gen_ai.agent.name`, on the first span that has it) or else
// its service, with its start time.
import { randomUUID } from 'node:crypto';
import type { KeyValue, Resource } from '../otlp/model';
import type { StoreContext } from './context';
import { createSession, defaultSessionName, moveTrace, renameSession } from './sessionWrites';
import type { SessionSource } from './types';
import { attributeText } from './values';

import { agentNameKey, explicitSessionKeys, isSessionKey, launcherSessionKey } from './sessionKeys';

/** What routing needs from a resource, computed once per ResourceSpans / ResourceLogs. */
export interface ResourceHints {
  launcherId?: string;
  explicitId?: string;
  serviceName: string;
  instanceKey: string;
}

export function resourceHints(resource: Resource): ResourceHints {
  const attrs = resource.attributes;
  const serviceName = attributeText(attrs, 'service.name') ?? 'unknown_service';
  const instance = attributeText(attrs, 'service.instance.id');
  const instanceKey = instance
    ? `instance\n${serviceName}\n${instance}`
    : `process\n${serviceName}\n${attributeText(attrs, 'process.pid') ?? ''}\n${attributeText(attrs, 'host.name') ?? ''}`;
  return { launcherId: attributeText(attrs, launcherSessionKey), explicitId: explicitId(attrs), serviceName, instanceKey };
}

/** Whether a span's own attributes may name its session: one pass, as most spans name none. */
function namesSession(attrs: KeyValue[]): boolean {
  for (let i = 0; i < attrs.length; i++) if (isSessionKey(attrs[i]!.key)) return true;
  return false;
}

function explicitId(attrs: KeyValue[]): string | undefined {
  for (const key of explicitSessionKeys) {
    const id = attributeText(attrs, key);
    if (id !== undefined) return id;
  }
  return undefined;
}

export type RouteMode =
  | { kind: 'live' }
  /** A file: explicit ids are kept (renamed if taken), everything else goes to one session named after the file. */
  | { kind: 'import'; sessionName?: string }
  /** Everything into one existing session (copying a session between databases). */
  | { kind: 'forced'; sessionId: string };

export class SessionRouter {
  /** Import mode: explicit id in the file -> session id in the store; traces of this file. */
  private readonly importIds = new Map<string, string>();
  private readonly importTraces = new Map<string, string>();
  private fileSession: string | undefined;
  /** Sessions this router created (import mode names them at the end). */
  readonly created: string[] = [];
  /** Sessions it routed anything to: the ones "currently receiving", which retention spares. */
  readonly touched = new Set<string>();

  /** Called before a trace moves, so roll-ups batched in memory reach the tables first. */
  beforeMove: () => void = () => undefined;
  // The last launcher-named route: the next span of the same resource and trace goes the same way.
  private lastHints: ResourceHints | undefined;
  private lastTrace = '';
  private lastTarget = '';

  constructor(
    private readonly ctx: StoreContext,
    private readonly mode: RouteMode,
  ) {}

  route(hints: ResourceHints, attributes: KeyValue[], traceId: string, timeMs: number, receivedAt: number): string {
    const mode = this.mode;
    if (mode.kind === 'forced') {
      this.touched.add(mode.sessionId);
      return mode.sessionId;
    }
    if (hints === this.lastHints && traceId === this.lastTrace) return this.lastTarget;
    const own = namesSession(attributes);
    const launcher = hints.launcherId ?? (own ? attributeText(attributes, launcherSessionKey) : undefined);
    const explicit = launcher === undefined ? (own ? explicitId(attributes) : undefined) ?? hints.explicitId : undefined;
    const named = launcher ?? explicit;
    const mapped = traceId ? this.traceSession(traceId) : undefined;
    let target: string;
    if (named !== undefined && (launcher !== undefined || !mapped || this.isImplicit(mapped))) {
      target = this.namedSession(named, launcher !== undefined ? 'launcher' : 'attribute', hints, timeMs, receivedAt);
      if (mapped && mapped !== target && this.isImplicit(mapped)) {
        this.beforeMove();
        moveTrace(this.ctx, traceId, mapped, target);
      }
    } else if (mapped) {
      target = mapped;
    } else if (mode.kind === 'import') {
      target = this.fileSession ??= this.newSession(randomUUID(), mode.sessionName ?? 'Imported', 'import', hints, receivedAt);
    } else {
      target = this.instanceSession(hints, timeMs, receivedAt);
    }
    if (traceId && (!mapped || mapped !== target)) this.rememberTrace(traceId, target);
    const info = this.ctx.sessions.get(target);
    if (info) {
      info.lastReceiptMs = Math.max(info.lastReceiptMs, receivedAt);
      if (own && info.namedAtMs !== undefined) this.nameAfterAgent(target, info.namedAtMs, attributes);
    }
    this.touched.add(target);
    // A resource's launcher id decides for all its spans, and a trace, once routed, stays: safe to repeat
    // (once the session has its name: an agent's may still name it).
    if (hints.launcherId !== undefined && info?.namedAtMs === undefined) {
      this.lastHints = hints;
      this.lastTrace = traceId;
      this.lastTarget = target;
    }
    return target;
  }

  /** A session still named after its service takes the name of the first agent it sees. */
  private nameAfterAgent(id: string, timeMs: number, attributes: KeyValue[]): void {
    const agent = attributeText(attributes, agentNameKey);
    if (agent) renameSession(this.ctx, id, defaultSessionName('instance', id, agent, timeMs));
  }

  private traceSession(traceId: string): string | undefined {
    if (this.mode.kind !== 'import') return this.ctx.traceSession(traceId);
    const id = this.importTraces.get(traceId);
    return id !== undefined && this.ctx.sessions.has(id) ? id : undefined;
  }

  private rememberTrace(traceId: string, sessionId: string): void {
    if (this.mode.kind === 'import') this.importTraces.set(traceId, sessionId);
    else this.ctx.rememberTrace(traceId, sessionId);
  }

  private isImplicit(sessionId: string): boolean {
    return sessionId === this.fileSession || this.ctx.sessions.get(sessionId)?.source === 'instance';
  }

  private namedSession(id: string, source: SessionSource, hints: ResourceHints, timeMs: number, receivedAt: number): string {
    if (this.mode.kind === 'import') {
      let mapped = this.importIds.get(id);
      if (mapped === undefined || !this.ctx.sessions.has(mapped)) {
        // An id already in the store is a different run (or the same file imported twice): keep them apart.
        mapped = this.ctx.sessions.has(id) ? `${id}~${randomUUID().slice(0, 8)}` : id;
        this.importIds.set(id, mapped);
        const base = this.mode.sessionName;
        const name = base ? `${base} (${id})` : defaultSessionName(source, id, hints.serviceName, timeMs || receivedAt);
        this.newSession(mapped, name, 'import', hints, receivedAt);
      }
      return mapped;
    }
    if (!this.ctx.sessions.has(id)) {
      const launchName = source === 'launcher' ? this.ctx.launchNames.get(id) : undefined;
      this.newSession(id, launchName ?? defaultSessionName(source, id, hints.serviceName, timeMs || receivedAt), source, hints, receivedAt);
      if (launchName === undefined && source !== 'attribute') this.ctx.sessions.get(id)!.namedAtMs = timeMs || receivedAt;
    }
    return id;
  }

  private instanceSession(hints: ResourceHints, timeMs: number, receivedAt: number): string {
    const current = this.ctx.instances.get(hints.instanceKey);
    const info = current !== undefined ? this.ctx.sessions.get(current) : undefined;
    if (current !== undefined && info && receivedAt - info.lastReceiptMs <= this.ctx.settings.sessionGapMs) return current;
    const id = randomUUID();
    this.newSession(id, defaultSessionName('instance', id, hints.serviceName, timeMs || receivedAt), 'instance', hints, receivedAt, hints.instanceKey);
    this.ctx.sessions.get(id)!.namedAtMs = timeMs || receivedAt;
    this.ctx.instances.set(hints.instanceKey, id);
    return id;
  }

  private newSession(id: string, name: string, source: SessionSource, hints: ResourceHints, receivedAt: number, instanceKey?: string): string {
    createSession(this.ctx, { id, name, source, serviceName: hints.serviceName, instanceKey, receivedAt });
    this.created.push(id);
    return id;
  }
}
