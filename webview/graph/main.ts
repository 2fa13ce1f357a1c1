// The "Agent Trace" webview: ready handshake, snapshot and live deltas from the host, the time-travel cursor
// (kept in webview state so it survives reloads), keyboard, and the graph / timeline / inspector views.
import './graph.css';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { parsePacked } from '../../src/protocol/graphPacking';
import { SHOWN_FINDINGS, type GraphToHost, type GraphToWebview, type StepDetailDto, type StepSummaryDto } from '../../src/protocol/graph';
import * as dagre from '@dagrejs/dagre';
import { adoptCodiconsInShadowRoots } from '../shared/codicons';
import { h } from '../shared/dom';
import { hostClient } from '../shared/vscodeApi';
import { Inspector } from './inspector';
import { keyAction } from './keys';
import { legend } from './legend';
import { layoutVisible, type Layout } from './layout';
import { Minimap } from './minimap';
import { applyDelta, buildModel, clampCursor, findStep, stepNamed, stepsNamed, type GraphModel } from './model';
import { GraphView, type ZoomState } from './render';
import { Requests } from './requests';
import { cursorState, readState, restoreCursor, type SavedState, type SplitSizes, type Tab } from './state';
import { createStepper, noTarget, relocate, type StepCommand, type Stepper } from './stepper';
import { SearchBar } from './search';
import { Splitter } from './splitter';
import { debounce, ownedByControl } from './util';
import { Toolbar } from './toolbar';
import { plural, statusLine, viewAt } from './viewModel';
import { buildVisible, reveal, type VisibleGraph } from './visible';
import { Waterfall } from './waterfall';

adoptCodiconsInShadowRoots();
const host = hostClient<GraphToHost, GraphToWebview, SavedState>();
const requests = new Requests();
let saved = readState(host.getState());

let model: GraphModel | undefined;
let stepper: Stepper | undefined;
let visible: VisibleGraph | undefined;
let layout: Layout | undefined;
let cursor = 0;
let selectedStep = -1;
let selectedItem = -1;
let follow = saved?.follow ?? false;
let toggles = new Map<string, boolean>(saved?.toggles ?? []);
let speed = saved?.speed ?? 1;
let tab: Tab = saved?.tab ?? 'graph';
let zoom: ZoomState | undefined = saved?.zoom;
let split: SplitSizes = saved?.split ?? {};
let player: ReturnType<typeof setInterval> | undefined;
/** A step set marked from outside (a Cost view row), by id so it survives live updates; Esc clears it. */
let highlight: { ids: string[]; indices?: number[]; label: string } | undefined;

const graph = new GraphView({
  select: (item) => selectItem(item),
  toggle: (item) => toggle(item),
  // Only a view the person chose is kept across reloads; a fitted one is fitted again (the panel may be another size).
  zoomed: (z, user) => ((zoom = user ? z : undefined), save()),
});
const minimap = new Minimap(graph);
const inspector = new Inspector({
  openSource: (id) => model && host.post({ type: 'openSource', sessionId: model.session.id, id }),
  rerunFromHere: (id, mode) => model && host.post({ type: 'rerunFromHere', sessionId: model.session.id, id, ...(mode ? { mode } : {}) }),
  seek: (id, where, index) => {
    const step = model && stepNamed(model, id, model.noIds ? index : undefined);
    if (model && step !== undefined) moveTo(where === 'start' ? model.startAt[step] : model.endAt[step], false);
  },
  toggle: (item) => visible && toggle(visible.byKey.get(item.key) ?? -1),
  selectStep: (step) => selectStep(step, true),
});
const toolbar = new Toolbar({
  command: (c) => step(c),
  play: () => setPlaying(player === undefined),
  speed: (s) => ((speed = s), player !== undefined && setPlaying(true), save()),
  scrub: (c) => moveTo(c, true),
  zoom: (d) => graph.zoomBy(d),
});
const waterfall = new Waterfall({
  select: (step) => selectStep(step, true),
  seekStep: (step) => model && moveTo(model.startAt[step], true),
  seekTime: (t) => stepper && moveTo(stepper.atTime(t), true),
  need: debounce((from: number, to: number) => {
    if (!model) return;
    const { id: sessionId } = model.session;
    const version = model.version;
    requests
      .request<{ requestId: number; rows?: StepSummaryDto[] }>((requestId) => host.post({ type: 'requestWindow', requestId, sessionId, version, from, to }))
      .then((a) => waterfall.addSummaries(a.rows ?? []), () => undefined);
  }, 60),
});

/** Steps matching the search bar's query (marked in graph and waterfall). */
let matches: number[] = [];
const search = new SearchBar({
  find: (query) => {
    const m = model;
    if (!m) return Promise.resolve({ steps: [], total: 0 });
    return requests
      .request<{ requestId: number; ids?: string[]; indices?: number[]; total?: number }>((requestId) => host.post({ type: 'requestSearch', requestId, sessionId: m.session.id, version: m.version, query }))
      .then((a) => ({ steps: stepsNamed(m, a.ids ?? [], a.indices), total: a.total ?? 0 }));
  },
  marked: (steps) => ((matches = steps), paintMatches()),
  go: (step) => model && moveTo(model.endAt[step] >= 0 ? model.endAt[step] : model.startAt[step], true),
  order: (step) => model?.startAt[step] ?? -1,
  cursorStep: () => (model && model.length ? model.evStep[cursor] : -1),
});

const title = h('div', { class: 'session-title', id: 'session-title' });
const findings = h('div', { class: 'findings', id: 'findings', role: 'note' });
const chip = h('div', { class: 'highlight-chip', id: 'highlight-chip', role: 'status', hidden: true });
const tabs = h('vscode-tabs', { id: 'tabs', 'selected-index': tab === 'timeline' ? '1' : '0' },
  h('vscode-tab-header', { slot: 'header', 'data-tab': 'graph' }, 'Graph'),
  h('vscode-tab-panel', { id: 'panel-graph' }, h('div', { class: 'graph-wrap' }, h('div', { class: 'graph-area' }, graph.element), h('div', { class: 'graph-foot' }, legend(), minimap.element))),
  h('vscode-tab-header', { slot: 'header', 'data-tab': 'timeline' }, 'Timeline'),
  h('vscode-tab-panel', { id: 'panel-timeline' }, waterfall.element));
tabs.addEventListener('vsc-tabs-select', (e) => ((tab = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex === 1 ? 'timeline' : 'graph'), save()));
const main = h('div', { class: 'main', id: 'main-area' });
const splitter = new Splitter(main, saved?.split ?? {}, (s) => ((split = s), save()));
main.append(tabs, splitter.element, inspector.element);
const placeholder = h('p', { class: 'muted placeholder', id: 'placeholder' }, 'Waiting for the session…');
const root = document.getElementById('root')!;
root.replaceChildren(h('div', { class: 'app' }, h('header', { class: 'topbar' }, title, findings, chip), toolbar.element, search.element, placeholder, main));
main.hidden = true;
toolbar.setSpeed(speed);

host.onMessage((msg) => {
  switch (msg.type) {
    case 'snapshot': {
      const started = performance.now();
      const m = buildModel(parsePacked(msg.snapshot));
      if (model && model.session.id === m.session.id) replace(m); // a resynchronisation: keep everything
      else first(m);
      requestAnimationFrame(() => (document.body.dataset.paintMs = String(Math.round(performance.now() - started))));
      return;
    }
    case 'delta': {
      const m = model && applyDelta(model, parsePacked(msg.delta));
      if (!m) return host.post(model ? { type: 'ready', state: { sessionId: model.session.id, cursor } } : { type: 'ready' });
      replace(m);
      return;
    }
    case 'empty':
      // Nothing of the session shown before stays: its title, findings, and the controls that stepped it.
      model = undefined;
      main.hidden = true;
      toolbar.element.hidden = true;
      if (search.open) search.close();
      title.textContent = '';
      findings.replaceChildren();
      chip.hidden = true;
      placeholder.hidden = false;
      placeholder.textContent = msg.message;
      return;
    case 'stepDetail':
    case 'window':
    case 'searchResult':
      requests.settle(msg);
      return;
    case 'highlightSteps':
      setHighlight(msg.ids.length > 0 ? { ids: msg.ids, indices: msg.indices, label: msg.label } : undefined, true);
      return;
    case 'revealStep': {
      const step = model && stepNamed(model, msg.id, msg.index);
      if (!model || step === undefined) return;
      selectStep(step, true);
      if (msg.seek) moveTo(msg.seek === 'start' ? model.startAt[step] : model.endAt[step], false);
      return;
    }
  }
});

/** A session shown for the first time in this webview: what was saved for it (reload), else a fresh view. */
function first(m: GraphModel): void {
  const same = saved?.sessionId === m.session.id;
  highlight = undefined; // a set belongs to the session it was made for
  chip.hidden = true;
  if (!same) {
    toggles = new Map();
    zoom = undefined;
    follow = m.session.live;
  }
  selectedStep = -1;
  selectedItem = -1;
  inspector.empty('Select a step, or step through the timeline with the arrow keys.');
  show(m, same && zoom ? zoom : 'fit');
  moveTo(restoreCursor(m, same ? saved : undefined), false);
  const sel = same && saved?.selectedId !== undefined ? findStep(m, saved.selectedId) : undefined;
  if (sel !== undefined) selectStep(sel, false);
  saved = undefined;
}

/** The same session, grown (delta or resync): zoom, toggles, selection and the cursor's event stay. */
function replace(m: GraphModel): void {
  const prev = model!;
  const c = follow || cursor >= prev.length - 1 ? m.length - 1 : relocate(prev, m, cursor, createStepper(m));
  // Without ids, indices are what stays (a feed's deltas never move a step).
  const keep = selectedStep >= 0 && !prev.noIds ? prev.steps.id[selectedStep] : undefined;
  const kept = selectedStep >= 0 && prev.noIds && selectedStep < m.n ? selectedStep : -1;
  show(m, 'keep');
  if (keep !== undefined) selectedStep = m.byId.get(keep) ?? -1;
  else if (prev.noIds) selectedStep = kept;
  moveTo(c, false);
  search.refresh();
}

/** New model: relayout (zoom kept on live updates), keep the cursor and selection. */
function show(m: GraphModel, zoomTo: 'keep' | 'fit' | ZoomState): void {
  model = m;
  stepper = createStepper(m);
  placeholder.hidden = true;
  main.hidden = false;
  toolbar.element.hidden = false;
  title.textContent = `${m.session.name} · ${plural(m.totals.steps, 'step')} · ${plural(m.totals.llmCalls, 'LLM call')} · ${plural(m.totals.toolCalls, 'tool call')}${m.totals.errors ? ` · ${m.totals.errors} failed` : ''}${m.session.live ? ' · live' : ''}`;
  findings.replaceChildren(...m.findings.slice(0, SHOWN_FINDINGS).map((f) => h('div', { class: 'finding' }, h('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }), ' ', f.message)));
  relayout(zoomTo);
  toolbar.setLength(m.length);
  waterfall.setModel(m);
}

/** Marks the set, names it in a dismissible chip, and (on arrival) selects and reveals its first step. */
function setHighlight(next: typeof highlight, revealFirst: boolean): void {
  highlight = next;
  const steps = highlight && model ? stepsNamed(model, highlight.ids, highlight.indices) : [];
  chip.hidden = !highlight;
  if (highlight) {
    const close = h('button', { class: 'link chip-close', type: 'button', 'aria-label': 'Clear the highlighted steps (Esc)', title: 'Clear (Esc)' }, h('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }));
    close.addEventListener('click', () => setHighlight(undefined, false));
    chip.replaceChildren(h('span', { class: 'codicon codicon-filter', 'aria-hidden': 'true' }), ' ', h('span', { class: 'chip-label' }, `${highlight.label} · ${steps.length} step${steps.length === 1 ? '' : 's'}`), close);
    chip.dataset.count = String(steps.length);
  } else chip.replaceChildren();
  paintHighlight(steps);
  if (revealFirst && model && steps.length > 0) {
    const first = steps.reduce((a, b) => Math.min(a, b));
    selectStep(first, true);
  }
}

function paintMatches(): void {
  if (!model || !visible) return;
  graph.setMatches(new Set(matches.map((s) => visible!.rep[s])));
  waterfall.setMatches(new Set(matches));
}

function paintHighlight(steps?: number[]): void {
  if (!model || !visible) return;
  const list = steps ?? (highlight ? stepsNamed(model, highlight.ids, highlight.indices) : []);
  graph.setHighlighted(new Set(list.map((s) => visible!.rep[s])));
}

function relayout(zoomTo: 'keep' | 'fit' | ZoomState): void {
  if (!model) return;
  visible = buildVisible(model, toggles);
  layout = layoutVisible(dagre, visible);
  graph.setData(model, visible, layout, zoomTo);
  minimap.setLayout(layout);
  paintHighlight();
  paintMatches();
  paint();
}

/** Moves the cursor; `select`: the selection follows it (stepping). */
function moveTo(c: number, select: boolean): void {
  if (!model) return;
  cursor = clampCursor(model, c);
  follow = model.session.live && cursor === model.length - 1;
  if (select && model.length > 0) selectStep(model.evStep[cursor], false);
  paint();
  if (visible && model.length > 0) graph.ensureVisible(visible.rep[model.evStep[cursor]], player === undefined);
  search.cursorMoved();
  requestDetail();
  save();
}

/** A step command: the cursor moves, or the status line says why it cannot. */
function step(command: StepCommand): void {
  if (!stepper) return;
  const next = stepper.move(cursor, command);
  if (next === cursor) toolbar.flash(noTarget(stepper, command));
  else moveTo(next, true);
}

function paint(): void {
  if (!model || !visible) return;
  const view = viewAt(model, visible, cursor);
  const s = stepper;
  toolbar.setEnabled((c) => !!s && s.move(cursor, c) !== cursor);
  selectedItem = selectedStep >= 0 ? visible.rep[selectedStep] : selectedItem;
  graph.setCursor(view, selectedItem);
  minimap.setCursor(view);
  waterfall.setCursor(cursor);
  toolbar.setCursor(cursor, statusLine(model, cursor));
}

/** A node clicked (or Enter on it): a step becomes the cursor's step, at its end once it has one, so the graph,
 *  inspector and editor tell one story; a group is shown in the inspector. */
function selectItem(item: number): void {
  const it = visible?.items[item];
  if (!it || !model) return;
  if (it.type === 'step') return moveTo(model.endAt[it.step] >= 0 ? model.endAt[it.step] : model.startAt[it.step], true);
  selectedStep = -1;
  selectedItem = item;
  inspector.group(model, it);
  paint();
  save();
}

function selectStep(step: number, revealIt: boolean): void {
  if (!model || step < 0 || step >= model.n) return;
  const changed = step !== selectedStep;
  selectedStep = step;
  if (revealIt && visible && visible.items[visible.rep[step]]?.step !== step) {
    visible = reveal(model, toggles, step);
    layout = layoutVisible(dagre, visible);
    graph.setData(model, visible, layout, 'keep');
    minimap.setLayout(layout);
    paintHighlight();
    paintMatches();
  }
  if (visible && revealIt) graph.ensureVisible(visible.rep[step]);
  // On the timeline tab the row follows the cursor as the graph's node does: stepping never leaves it off screen.
  waterfall.setSelected(step, revealIt || tab === 'timeline');
  if (changed) host.post({ type: 'selectStep', sessionId: model.session.id, id: model.steps.id[step], index: step, cursor });
  paint();
  requestDetail();
  save();
}

function toggle(item: number): void {
  const it = visible?.items[item];
  if (!it) return;
  toggles.set(it.key, !it.expanded);
  relayout('keep');
  save();
}

let detailTimer: ReturnType<typeof setTimeout> | undefined;
function requestDetail(): void {
  clearTimeout(detailTimer);
  detailTimer = setTimeout(() => {
    if (!model || selectedStep < 0) return;
    const m = model;
    const step = selectedStep;
    const at = cursor;
    const loading = setTimeout(() => inspector.loading(m, step), 150);
    requests
      .request<{ requestId: number; detail?: StepDetailDto }>((requestId) =>
        host.post({ type: 'requestStep', requestId, sessionId: m.session.id, version: m.version, id: m.steps.id[step], index: step, cursor: at }))
      .then((a) => {
        if (model !== m || selectedStep !== step || cursor !== at || !a.detail) return;
        inspector.show(a.detail);
        inspector.element.dataset.stepId = a.detail.id;
        inspector.element.dataset.cursor = String(at);
      }, (e: Error) => selectedStep === step && inspector.failed(m, step, e.message))
      .finally(() => clearTimeout(loading));
  }, 30);
}

function setPlaying(on: boolean): void {
  clearInterval(player);
  player = undefined;
  if (on && model && stepper) {
    if (cursor >= model.length - 1) moveTo(0, true);
    player = setInterval(() => {
      if (!model || cursor >= model.length - 1) return setPlaying(false);
      moveTo(cursor + 1, true);
    }, 600 / speed);
  }
  toolbar.setPlaying(player !== undefined);
}

document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    return model && search.show();
  }
  if (e.key === 'Escape' && highlight) {
    e.preventDefault();
    return setHighlight(undefined, false);
  }
  if (ownedByControl(e.target, e.key)) return;
  const action = keyAction(e);
  if (!action || !model || !stepper) return;
  e.preventDefault();
  if (action.type === 'step') step(action.command);
  else if (action.type === 'play') setPlaying(player === undefined);
  else graph.zoomBy(action.direction);
});

const save = debounce(() => {
  if (!model) return;
  host.setState({
    v: 1, sessionId: model.session.id, ...cursorState(model, cursor), selectedId: selectedStep >= 0 ? model.steps.id[selectedStep] : undefined,
    tab, toggles: [...toggles], speed, zoom, follow, split,
  });
}, 100);

host.postWhenLoaded(saved ? { type: 'ready', state: { sessionId: saved.sessionId, cursor: saved.cursor, selectedId: saved.selectedId } } : { type: 'ready' });
