// The engine's side of protocol/engine.ts: one TraceEngine (store, ingest queue, receiver, decode
// worker) answering the host's requests. It runs on the engine worker (engineWorkerMain.ts); when that
// cannot start, on the host's own thread over an in-process MessageChannel (the same code and messages).
import { type MessageConnection, type RequestType, ResponseError } from 'vscode-jsonrpc';
import { EngineErrors, EngineNotifications, EngineRequests, type EngineMethod, type CostParams, type ForwardErrorData, type GraphStepAnswer, type ModelTooLargeData, type ParamsOf, type ResultOf } from '../protocol/engine';
import { findingLoops, sessionWork, totalsOf, type AgentGraph, type AgentStep, type SessionOptions, type SpanInput } from './agent';
import { readSession } from './agent/fromStore';
import type { DataflowLink } from './agent/dataflow';
import { extendingDataflow, extendingParents, type LinksBase } from './agent/liveLinks';
import type { LiveSession } from './agent/liveSession';
import { extendingTimeline, type TimelineBase } from './agent/timelineUpdate';
import { sessionOutline } from './agent/outline';
import { TraceEngine } from './engine';
import { GraphFeeds } from './engineGraph';
import { readReportAssets } from './export/reportAssets';
import { exportSession, sessionCassette } from './export/sessionExport';
import { ForwardError, forwardSession } from './forward/forwarder';
import { ImportCancelled } from './import/otlpFile';
import { RunChecks } from './debug/runChecks';
import { debugView } from './debug/debugView';
import { compareTexts } from './compare/align';
import { costReportWork, costStepsOf, reportDto } from './cost';
import { extendingBreakdowns, type BreakdownsBase } from './cost/liveBreakdowns';
import { safetySection } from './safety';
import { scanningSafety } from './safety/findSafety';
import type { SafetyOptions } from './safety/types';
import { matchesSession } from './sessions/filter';
import { forkOrigin } from './sessions/forkOrigin';
import { importSessionFile } from './sessionFiles';
import { SourceMirror, stepStatsByLocation, type Run } from './sources';
import { LivenessTimer } from './store/livenessTimer';
import type { StoreOptions } from './store/spanStore';
import type { StoreChange } from './store/types';
import { ModelTooLargeError, unlessTooLarge } from './modelBudget';
import { setImmediate as turn } from 'node:timers/promises';
import { ModelCache, type BuiltModel } from './modelCache';

/** At most this often a flood of ingest tells the host (the views coalesce further). */
const notifyEveryMs = 100;

/** A model's safety findings with these options, as the model cache keeps them. */
const safetyKey = (safety: SafetyOptions) => `safety ${JSON.stringify(safety)}`;
/** A request's session and model options. */
type SessionParts = { sessionId: string; options: SessionOptions };
type Handlers = { [M in EngineMethod]: (params: ParamsOf<M>, cancelled: () => boolean) => ResultOf<M> | Promise<ResultOf<M>> };

/** Answers on `connection` at once; requests wait for the store (sql.js loads in ~100 ms), or fail with it. */
export function serveEngine(connection: MessageConnection, options: StoreOptions): Promise<TraceEngine> {
  const ready = TraceEngine.create(options).then((engine) => ({ engine, served: handlersOf(engine, connection) }));
  for (const method of Object.keys(EngineRequests) as EngineMethod[]) {
    connection.onRequest(EngineRequests[method] as RequestType<unknown, unknown, void>, async (params, token) => {
      const { handlers, publish } = (await ready).served;
      const handler = handlers[method] as (params: unknown, cancelled: () => boolean) => unknown;
      try {
        return await handler(params, () => token.isCancellationRequested);
      } catch (e) {
        throw asResponseError(e);
      } finally {
        // What a request changed reaches the host's mirror before its answer does (one port, in order).
        publish();
      }
    });
  }
  connection.listen();
  return ready.then((r) => r.engine);
}

function handlersOf(engine: TraceEngine, connection: MessageConnection): { handlers: Handlers; publish: () => void } {
  const store = engine.store;
  let pending: StoreChange | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const publish = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const change = pending;
    pending = undefined;
    if (change && !closed) void connection.sendNotification(EngineNotifications.sessionsChanged, { change, sessions: store.listSessions(), spans: store.stats().spans });
  };
  const noteChange = (change: StoreChange): void => {
    pending = pending ? merged(pending, change) : change;
    timer ??= setTimeout(publish, notifyEveryMs);
  };
  // A session that stops being live changes no row: the host hears of it as an empty change.
  const liveness = new LivenessTimer(store, () => noteChange({ added: [], changed: [], removed: [], evicted: [] }));
  /** Launched sessions' program folders (launchStarted): a name several files define goes to the one there. */
  const launchFolders = new Map<string, string>();
  store.onDidChange((change) => {
    liveness.storeChanged();
    for (const id of change.removed) launchFolders.delete(id);
    if (change.removed.length > 0 || change.evicted.length > 0) models.forgetRefusals();
    noteChange(change);
  });
  const models = new ModelCache(store, (id) => noteChange({ added: [], changed: [id], removed: [], evicted: [] }));
  const runChecks = new RunChecks();
  /** The Sessions view filter's answers, by session state and filter (see matchSessions). */
  const matches = new Map<string, boolean>();
  const sources = new SourceMirror();
  const runOf = (sessionId: string, model: { steps: readonly AgentStep[]; inputs: readonly SpanInput[] }): Run => ({ steps: model.steps, inputs: model.inputs, folder: launchFolders.get(sessionId) });
  /** Per live model: its last parent links, dataflow links and timeline, which its next ones extend (liveLinks.ts, timelineUpdate.ts). */
  const lastParents = new WeakMap<LiveSession, LinksBase<Int32Array>>();
  const lastDataflow = new WeakMap<LiveSession, LinksBase<readonly DataflowLink[]>>();
  const timelines = new WeakMap<LiveSession, TimelineBase>();
  const lastBreakdowns = new WeakMap<LiveSession, BreakdownsBase>();
  /** A model's parent indices, found once for the graph and the Cost view (~90 ms per 100k steps whole). */
  const parentsPart = models.part(() => 'parents', (model) => extendingFrom(lastParents, model, extendingParents));
  const parentsOf = (model: BuiltModel) => parentsPart.of(model, undefined).links;
  /** Its dataflow links, once per model: the graph, the Cost view's tools and the safety scan's tool flow read them. */
  const dataflowPart = models.part(() => 'dataflow', (model) => extendingFrom(lastDataflow, model, extendingDataflow));
  const dataflowOf = (model: BuiltModel) => dataflowPart.of(model, undefined).links;
  /** Its loop findings and timeline, once per model: the graph's (and the Cost view's loops). */
  const loopsPart = models.part(() => 'loops', (model) => findingLoops(model.steps));
  const loopsOf = (model: BuiltModel) => loopsPart.of(model, undefined);
  const timelinePart = models.part(() => 'timeline', (model) => extendingFrom(timelines, model, extendingTimeline));
  /** Where each step of a model is, once per model and state of the source index (CodeLens and the debuggers share it). */
  const placesOf = (sessionId: string, model: BuiltModel) => models.derive(model, `places ${sources.generation}`, () => sources.locationsOf(runOf(sessionId, model)));
  /**
   * The CodeLens numbers of a session, once per model and state of the source index; from a current model
   * (never a throttled one): the host keeps them for the session's span count.
   */
  const codeLensOf = (p: { sessionId: string; options: SessionOptions }) => {
    const model = models.of(p.sessionId, p.options, true);
    return models.derive(model, `codelens ${sources.generation}`, () => {
      const places = placesOf(p.sessionId, model);
      return stepStatsByLocation(model.steps, (_, i) => places[i]);
    });
  };
  /** A model's cost breakdowns (they depend on the steps alone): extended from the last model's, shared by every report input. */
  const breakdownsPart = models.part(() => 'breakdowns', (model) => extendingFrom(lastBreakdowns, model, (base, steps) => extendingBreakdowns(base, steps, parentsOf(model), dataflowOf(model))));
  const breakdownsOf = (model: BuiltModel) => breakdownsPart.of(model, undefined).rows;
  /** The Cost view's report as the worker keeps it (with its rows' step ids), once per model and report input. */
  const reportPart = models.part((p: CostParams) => `cost ${JSON.stringify(p.report)}`, (model, p) =>
    costReportWork({ ...p.report, steps: model.steps, parents: parentsOf(model), dataflow: dataflowOf(model), loops: loopsOf(model), breakdowns: breakdownsOf(model) }),
  );
  const costOf = (p: CostParams) => {
    const model = models.of(p.sessionId, p.options);
    return { model, report: reportPart.of(model, p) };
  };
  /** Its safety findings, once per model and options (`graph`: the session's, when built, saves its dataflow). */
  const safetyPart = models.part((p: { safety: SafetyOptions; graph?: AgentGraph }) => safetyKey(p.safety), (model, p) => scanningSafety(model.steps, p.safety, p.graph));
  /** A session's whole model (graph, timeline, loops, totals over its steps), once per model: the graph and Compare Sessions. */
  const graphPart = models.part(() => 'graph', (model) => sessionWork(model.steps, parentsOf(model), dataflowOf(model), loopsOf(model), timelinePart.of(model, undefined).timeline));
  const sessionOf = (id: string, options: SessionOptions, fresh?: boolean) => {
    const model = models.of(id, options, fresh);
    return { model, session: graphPart.of(model, undefined), inputs: model.inputs, parents: parentsOf(model) };
  };
  /**
   * sessionOf, with the safety findings the graph badges (default options: the value the Cost view and the
   * diagnostics derive too when the workspace sets none).
   */
  const graphOf = (id: string, options: SessionOptions, fresh: boolean) => {
    const built = sessionOf(id, options, fresh);
    return { ...built, safety: safetyPart.of(built.model, { safety: {}, graph: built.session.graph }) };
  };
  const graphs = new GraphFeeds({ summary: (id) => store.getSession(id), session: graphOf });
  /**
   * A session's model, its whole build (when one is due) made a slice at a time (ModelCache.prepare), then
   * `parts` of it (each a pass over every step, ~0.1-0.3 s per 100k) derived one per turn of the event loop:
   * what follows finds them kept. The worker's thread also serves the receiver, and a first build of a large
   * session in one go held it past an exporter's timeout.
   */
  const deriveParts = async <P extends SessionParts>(p: P, fresh: boolean, parts: ((model: BuiltModel, p: P) => unknown)[]): Promise<void> => {
    await models.prepare(p.sessionId, p.options, fresh);
    for (const part of parts) {
      await turn();
      // A model too large is the request's own answer to give.
      const model = tryModel(() => models.of(p.sessionId, p.options, fresh));
      if (!model) break;
      await part(model, p);
    }
  };
  /** A request that reads a session's model, after deriveParts. */
  const preparedParts = <P extends SessionParts, R>(fresh: boolean, parts: ((model: BuiltModel, p: NoInfer<P>) => unknown)[], handle: (p: P) => R | Promise<R>) => async (p: P): Promise<R> => {
    await deriveParts(p, fresh, parts);
    return handle(p);
  };
  const prepared = <P extends SessionParts, R>(fresh: boolean, handle: (p: P) => R | Promise<R>) => preparedParts(fresh, [], handle);
  /** `get`'s model, or undefined for one too large for the heap. */
  const tryModel = (get: () => BuiltModel): BuiltModel | undefined => {
    try {
      return get();
    } catch (e) {
      return unlessTooLarge(e);
    }
  };
  /** The findings of a model's safety scan with these options, once per model. */
  const findingsOf = (model: BuiltModel, safety: SafetyOptions) => safetyPart.of(model, { safety });
  /** The same, scanned a slice at a time ahead of the request that shows them (100k realistic steps: ~1.4 s). */
  const scanSafety = (model: BuiltModel, safety: SafetyOptions, graph?: AgentGraph) => safetyPart.sliced(model, { safety, graph });
  /** What graphOf derives (a snapshot's from a current model, a live refresh's from the model the throttle gives). */
  const graphParts = (fresh: boolean) => [
    parentsPart.sliced,
    dataflowPart.sliced,
    loopsPart.sliced,
    timelinePart.sliced,
    graphPart.sliced,
    (model: BuiltModel, p: SessionParts) => scanSafety(model, {}, sessionOf(p.sessionId, p.options, fresh).session.graph),
  ];
  const costParts = [parentsPart.sliced, dataflowPart.sliced, loopsPart.sliced, breakdownsPart.sliced, reportPart.sliced, (model: BuiltModel, p: CostParams) => scanSafety(model, p.safety)];
  /** matchSessions' answer's key: per session state and filter. */
  const matchKey = (id: string, p: { filter: unknown; options: SessionOptions }): string => {
    const summary = store.getSession(id);
    return `${id}\0${summary?.spanCount}/${summary?.logCount}/${summary?.errorCount}\0${summary?.name}\0${JSON.stringify([p.filter, p.options])}`;
  };
  /** A session's steps for the Sessions view's filter: none when its model does not fit (its name, status and such still match). */
  const stepsToMatch = (id: string, options: SessionOptions): readonly AgentStep[] => tryModel(() => models.of(id, options, true))?.steps ?? [];
  /** A step answer with its step located in the workspace (the model's own step is left as it is). */
  const located = <T extends GraphStepAnswer>(answer: T | undefined, run: () => Run | undefined): T | undefined =>
    answer && { ...answer, step: sources.located(answer.step, answer.input, run) };
  const stop = () => {
    closed = true;
    clearTimeout(timer);
    liveness.dispose();
    models.dispose();
  };
  // The host went away (the in-process channel closed): nothing more is sent, no timer is left.
  connection.onClose(stop);
  connection.onDispose(stop);
  const progress = (id: number | undefined) => (done: number, total: number) => {
    if (id !== undefined && !closed) void connection.sendNotification(EngineNotifications.progress, { id, done, total });
  };

  const handlers: Handlers = {
    configure: (p) => store.configure(p),
    startReceiver: (p) => engine.startReceiver(p),
    stopReceiver: () => engine.stopReceiver(),
    sessions: () => ({ sessions: store.listSessions(), spans: store.stats().spans }),
    stats: () => store.stats(),
    ingestPath: async () => {
      const warmedUp = await engine.warmedUp();
      const loop = engine.decodeWorkerUtilization();
      return { decodeWorker: engine.decodeWorkerRunning, warmedUp, ...(loop && { decodeLoop: { active: loop.active, idle: loop.idle } }) };
    },
    tracesOfSession: (p) => store.tracesOfSession(p.sessionId),
    spansOfSession: (p) => store.spansOfSession(p.sessionId, p.page),
    spansOfTrace: (p) => store.spansOfTrace(p.traceId, p.sessionId),
    childrenOf: (p) => store.childrenOf(p.traceId, p.spanId, p.sessionId),
    readSession: (p) => readSession(store, p.sessionId),
    sessionSteps: prepared(true, (p) => {
      const model = models.of(p.sessionId, p.options, true);
      if (!p.located) return model.steps;
      const raw = new Map(model.inputs.map((i) => [i.span.spanId, i]));
      return model.steps.map((s) => sources.located(s, raw.get(s.id), () => runOf(p.sessionId, model)));
    }),
    sessionDigest: prepared(false, (p) => {
      const { steps, state } = models.of(p.sessionId, p.options);
      const fork = forkOrigin(steps);
      return fork ? { state, totals: totalsOf(steps), fork } : { state, totals: totalsOf(steps) };
    }),
    costReport: preparedParts(false, costParts, (p) => {
      const { model, report } = costOf(p);
      const findings = findingsOf(model, p.safety);
      return { report: reportDto(report), safety: safetySection(findings) };
    }),
    costSteps: preparedParts(false, costParts, (p) => {
      const { model, report } = costOf(p);
      return costStepsOf(report, p.ref, model.steps);
    }),
    checkRun: prepared(true, (p) => runChecks.check(p.sessionId, p.breakOn, p.safety, models.of(p.sessionId, p.options, true).steps)),
    endRunCheck: (p) => runChecks.end(p.sessionId),
    sourceFiles: (p) => sources.apply(p),
    compareSessions: async (p) => {
      await models.prepare(p.left, p.options, true);
      await models.prepare(p.right, p.options, true);
      const side = (id: string) => {
        const summary = store.getSession(id);
        if (!summary) throw new Error(`no session ${id}`);
        return { name: summary.name, session: sessionOf(id, p.options, true).session };
      };
      const [left, right] = [side(p.left), side(p.right)];
      return { leftName: left.name, rightName: right.name, ...compareTexts(left, right) };
    },
    matchSessions: async (p) => {
      // Answers kept per session state and filter (from a current model: never a throttled one, as it is kept):
      // a tree refresh rebuilds models only for sessions that changed. Each answered as soon as its model is
      // (the engine keeps a few models: prepared all first, the first ones would be built again).
      if (matches.size > 10_000) matches.clear();
      const answers: boolean[] = [];
      for (const id of p.sessionIds) {
        let match = matches.get(matchKey(id, p));
        if (match === undefined) {
          await models.prepare(id, p.options, true);
          const summary = store.getSession(id);
          if (summary) matches.set(matchKey(id, p), (match = matchesSession(p.filter, summary, stepsToMatch(id, p.options))));
        }
        answers.push(match ?? false);
      }
      return answers;
    },
    sessionOutline: prepared(false, (p) => {
      const model = models.of(p.sessionId, p.options);
      return models.derive(model, 'outline', () => sessionOutline(model.steps));
    }),
    codeLensStats: prepared(true, (p) => codeLensOf(p).map(({ stepIds: _ids, ...stats }) => stats)),
    debugView: prepared(true, (p) => {
      const model = models.of(p.sessionId, p.options, true);
      return models.derive(model, `debug ${sources.generation} ${JSON.stringify(p.breakOn)}`, () => {
        const places = placesOf(p.sessionId, model);
        return debugView(model.steps, p.breakOn, (_, i) => places[i]);
      });
    }),
    codeLensSteps: prepared(true, (p) => codeLensOf(p).find((s) => s.path === p.path && s.line === p.line)?.stepIds ?? []),
    safetyFindings: preparedParts(false, [(model, p) => scanSafety(model, p.safety)], (p) => {
      const model = models.of(p.sessionId, p.options);
      const { steps, inputs, state } = model;
      const findings = findingsOf(model, p.safety);
      const on = new Set(findings.map((f) => f.stepId));
      const raw = new Map(inputs.filter((i) => on.has(i.span.spanId)).map((i) => [i.span.spanId, i]));
      return { state, findings, steps: steps.filter((s) => on.has(s.id)).map((s) => sources.located(s, raw.get(s.id), () => runOf(p.sessionId, model))) };
    }),
    renameSession: (p) => store.renameSession(p.sessionId, p.name),
    deleteSession: (p) => store.deleteSession(p.sessionId),
    clear: () => store.clear(),
    launchStarted: (p) => {
      if (typeof p.folder === 'string') launchFolders.set(p.sessionId, p.folder);
      store.launchStarted(p.sessionId, p.name);
    },
    launchEnded: async (p) => {
      await engine.queue.flush();
      store.launchEnded(p.sessionId);
    },
    flush: () => engine.queue.flush(),
    drain: () => engine.drain(),
    ingestTraces: (p) => engine.queue.acceptTraces(p.request),
    importFile: (p, cancelled) => importSessionFile(store, p.file, {
      report: progress(p.progressId),
      get cancelled() {
        return cancelled();
      },
    }),
    exportSession: (p) => exportSession(store, p.sessionId, p.file, p.format, {
      ...p.options,
      assets: p.assetsRoot === undefined ? undefined : () => readReportAssets(p.assetsRoot!),
      // The graph's model and findings, as the panel would show them.
      model: async () => {
        await deriveParts(p, true, graphParts(true));
        const { session, inputs, safety } = graphOf(p.sessionId, p.options, true);
        return { session, inputs, safety };
      },
    }),
    storedCassette: (p) => store.cassette(p.sessionId),
    putCassette: (p) => store.putCassette(p.sessionId, p.text),
    sessionCassette: (p) =>
      sessionCassette(store, p.sessionId, async () => {
        await models.prepare(p.sessionId, p.options, true);
        return models.of(p.sessionId, p.options, true).steps;
      }),
    forwardSession: (p) => forwardSession(store, p.sessionId, p.target, progress(p.progressId)),
    graphSnapshot: preparedParts(true, graphParts(true), (p) => graphs.snapshotSliced(p.feed, p.sessionId, p.options)),
    graphDelta: preparedParts(false, graphParts(false), (p) => graphs.delta(p.feed, p.sessionId, p.options)),
    graphStepDetail: (p) => {
      const run = graphs.runOf(p.feed);
      return located(graphs.detail(p.feed, p, p.cursor), () => run && runOf(run.sessionId, run));
    },
    graphWindow: (p) => graphs.window(p.feed, p.from, p.to),
    graphSearch: (p) => graphs.search(p.feed, p.query.slice(0, 1000)),
    graphStep: async (p) => {
      if (!graphs.runOf(p.feed, p.sessionId)) await models.prepare(p.sessionId, p.options, true);
      return located(graphs.step(p.feed, p.sessionId, p, p.options), () => runOf(p.sessionId, graphs.runOf(p.feed, p.sessionId) ?? models.of(p.sessionId, p.options)));
    },
    graphIndices: (p) => graphs.indices(p.feed, p.ids),
    graphClose: (p) => graphs.close(p.feed),
  };
  return { handlers, publish };
}

function asResponseError(e: unknown): ResponseError<ForwardErrorData | ModelTooLargeData | undefined> {
  if (e instanceof ImportCancelled) return new ResponseError(EngineErrors.importCancelled, e.message, undefined);
  if (e instanceof ForwardError) return new ResponseError(EngineErrors.forwardFailed, e.message, { sent: e.sent, status: e.status, body: e.body });
  if (e instanceof ModelTooLargeError) return new ResponseError(EngineErrors.modelTooLarge, e.message, { sessionName: e.sessionName, spans: e.spans, usedBytes: e.usedBytes, limitBytes: e.limitBytes });
  return new ResponseError(-32603, e instanceof Error ? e.message : String(e), undefined);
}

function merged(a: StoreChange, b: StoreChange): StoreChange {
  const union = (x: string[], y: string[]) => [...new Set([...x, ...y])];
  const notices = [...(a.notices ?? []), ...(b.notices ?? [])];
  const evictedSpans = (a.evictedSpans ?? 0) + (b.evictedSpans ?? 0);
  return {
    added: union(a.added, b.added),
    changed: union(a.changed, b.changed),
    removed: union(a.removed, b.removed),
    evicted: union(a.evicted, b.evicted),
    ...(notices.length ? { notices } : {}),
    ...(evictedSpans ? { evictedSpans } : {}),
  };
}

/**
 * `extend` of a model's steps from what it made of the same live model's last ones (kept in `last`). Made a
 * slice at a time, it keeps what it made only if no other model's part replaced that base meanwhile: an
 * older model's, finishing late, would leave the next update less to reuse.
 */
function* extendingFrom<B>(last: WeakMap<LiveSession, B>, model: BuiltModel, extend: (base: B | undefined, steps: readonly AgentStep[]) => Generator<void, B>): Generator<void, B> {
  const base = last.get(model.live);
  const made = yield* extend(base, model.steps);
  if (last.get(model.live) === base) last.set(model.live, made);
  return made;
}
