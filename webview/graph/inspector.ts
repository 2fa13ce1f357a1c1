// The inspector: the selected step at the cursor — conversation as that LLM call saw it, tool args and result,
// tokens and $, totals so far, error and stack, raw attributes. Built with h(): span data is only ever text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type { MessageDto, MessagePartDto, StepDetailDto } from '../../src/protocol/graph';
import { h } from '../shared/dom';
import { rowOf, type GraphModel } from './model';
import { formatCount, formatDuration, formatTime, formatTokens, formatUsd, itemText, kindIcon, phaseText, plural } from './viewModel';
import type { Item } from './visible';

export interface InspectorEvents {
  openSource(id: string): void;
  rerunFromHere(id: string, mode?: 'response' | 'playground'): void;
  /** `index`: the step's index in the snapshot (names it when the webview has no ids). */
  seek(id: string, where: 'start' | 'end', index: number): void;
  toggle(item: Item): void;
  selectStep(step: number): void;
}

type Child = Node | string | null;

export class Inspector {
  readonly element = h('aside', { id: 'inspector', class: 'inspector', 'aria-label': 'Step inspector', tabindex: '-1' });

  constructor(private readonly events: InspectorEvents) {
    this.empty('Select a step, or step through the timeline with the arrow keys.');
  }

  empty(message: string): void {
    this.element.replaceChildren(h('p', { class: 'muted' }, message));
  }

  /** While the host answers: what the row already says. */
  loading(m: GraphModel, step: number): void {
    const r = rowOf(m, step);
    this.element.replaceChildren(this.header(r.kind, r.label, [r.kind, r.status]), h('p', { class: 'muted', 'aria-busy': 'true' }, 'Loading…'));
  }

  failed(m: GraphModel, step: number, message: string): void {
    const r = rowOf(m, step);
    this.element.replaceChildren(this.header(r.kind, r.label, [r.kind]), h('p', { class: 'error-text' }, `Could not load the step: ${message}`));
  }

  group(m: GraphModel, item: Item): void {
    const text = itemText(m, item);
    const expand = h('vscode-button', { id: 'insp-expand', icon: 'unfold', 'aria-label': `Expand ${text.title}` }, 'Expand');
    expand.addEventListener('click', () => this.events.toggle(item));
    const members = item.members.slice(0, 12).map((s) => {
      const r = rowOf(m, s);
      const b = h('button', { class: 'link', type: 'button', 'aria-label': `Show step ${r.label}` }, `${r.kind} ${r.label}`);
      b.addEventListener('click', () => this.events.selectStep(s));
      return h('li', {}, b);
    });
    fill(this.element,
      this.header(item.type === 'fold' ? 'other' : 'chain', text.title, [item.type === 'fold' ? `loop ×${item.repeats}` : 'group', plural(item.covered, 'step')], text.icon),
      h('div', { class: 'actions' }, expand),
      this.facts([['Duration', text.duration], ['Tokens', text.tokens || '0'], ['Cost', text.cost || '$0'], ['Failed steps', String(item.errors)]]),
      section('Steps', 'insp-members', h('ul', { class: 'members' }, ...members), item.members.length > 12 ? h('p', { class: 'muted' }, `… and ${item.members.length - 12} more`) : null),
    );
  }

  show(d: StepDetailDto): void {
    const actions = h('div', { class: 'actions' });
    const button = (id: string, icon: string, label: string, text: string, run: () => void) => {
      const b = h('vscode-button', { id, icon, secondary: true, 'aria-label': label }, text);
      b.addEventListener('click', run);
      actions.append(b);
    };
    button('insp-seek-start', 'debug-step-back', 'Move the cursor to where this step starts', 'To start', () => this.events.seek(d.id, 'start', d.index));
    button('insp-seek-end', 'debug-step-over', 'Move the cursor to where this step ends', 'To end', () => this.events.seek(d.id, 'end', d.index));
    if (d.kind === 'llm') {
      button('insp-rerun', 'debug-restart', 'Re-run the agent from this LLM call, with an edited request', 'Re-run from here', () => this.events.rerunFromHere(d.id));
      button('insp-rerun-answer', 'lightbulb', 'Re-run the agent from this LLM call, with an edited answer (what if the model had called this tool)', 'What if it answered…', () => this.events.rerunFromHere(d.id, 'response'));
      button('insp-playground', 'send', 'Send this one call again, edited, without re-running the agent', 'One call again', () => this.events.rerunFromHere(d.id, 'playground'));
    }
    if (d.source) button('insp-open-source', 'go-to-file', 'Open the source of this step', 'Open source', () => this.events.openSource(d.id));
    const u = d.usage;
    const c = d.cumulative;
    fill(this.element,
      this.header(d.kind, d.label, [d.kind, phaseText[d.phase], d.status === 'error' ? 'error' : '', d.retries ? `retried ${d.retries}×` : '']),
      actions,
      d.error ? section('Error', 'insp-error', h('p', { class: 'error-text' }, d.error.message), d.error.stack ? h('pre', { class: 'stack' }, d.error.stack) : null) : null,
      // What the step said and did first: a narrow inspector shows it without scrolling.
      d.tool ? section('Tool call', 'insp-tool', this.facts([['Tool', d.tool.name], ['Call id', d.tool.callId]]),
        h('h4', {}, 'Arguments'), h('pre', { id: 'insp-tool-args' }, d.tool.args ?? '(none recorded)'),
        h('h4', {}, 'Result'), h('pre', { id: 'insp-tool-result' }, d.tool.result ?? (d.phase === 'done' || d.phase === 'failed' ? '(none recorded)' : '(not returned yet at the cursor)'))) : null,
      d.conversation ? this.conversation(d) : null,
      this.facts([
        ['Name', d.name], ['Model', d.model], ['Provider', d.provider], ['Agent', d.agentName], ['Operation', d.operation],
        ['Starts at', formatTime(d.start)], ['Duration', formatDuration(d.durationMs)], ['Trace', d.traceId],
        ['Source', sourceText(d)],
      ]),
      u ? section('Tokens and cost', 'insp-usage', this.facts([
        ['Input', inputText(u)], ['Output', formatCount(u.outputTokens)],
        ['Reasoning', formatCount(u.reasoningTokens)],
        ['Cost', u.costUsd !== undefined ? formatUsd(u.costUsd) : u.priceMissing ? 'no price known' : undefined],
        ['Price from', u.costSource ? priceSourceText[u.costSource] ?? u.costSource : undefined],
        ['Note', u.aggregate ? 'sums up the calls below it (not counted twice in totals)' : undefined],
      ])) : null,
      section('Totals so far', 'insp-cumulative', this.facts([
        ['At', `event ${c.cursor + 1}, ${formatTime(c.time)}`],
        ['Steps', `${c.started} started, ${c.finished} finished, ${c.running} running, ${c.failed} failed`],
        ['Tokens', `${formatTokens(c.inputTokens + c.outputTokens)} (${formatCount(c.inputTokens)} in, ${formatCount(c.outputTokens)} out)`],
        ['Cost', formatUsd(c.costUsd)],
      ])),
      d.events.length ? section('Events', 'insp-events', h('ul', { class: 'events' }, ...d.events.map((e) => h('li', {}, h('span', { class: 'mono' }, formatTime(e.time)), ' ', e.name, h('span', { class: 'muted' }, ` (${e.source})`))))) : null,
      section('Attributes', 'insp-attributes', h('table', { class: 'attrs' }, h('tbody', {}, ...d.attributes.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, h('pre', {}, v))))))),
      d.truncated ? h('p', { class: 'muted' }, 'Some long values were shortened.') : null,
    );
  }

  private conversation(d: StepDetailDto): HTMLElement {
    const c = d.conversation!;
    const own = c.stepId === d.id;
    const caption = own
      ? c.complete ? 'As this call saw it, with its reply' : 'As this call saw it (no reply yet at the cursor)'
      : `As the latest LLM call (${c.label}) saw it${c.complete ? ', with its reply' : ''}`;
    return section('Conversation', 'insp-conversation', h('p', { class: 'muted caption' }, caption),
      c.systemPrompt !== undefined && !c.messages.some((m) => m.role === 'system') ? message({ role: 'system', parts: [{ type: 'text', text: c.systemPrompt }] }) : null,
      ...c.messages.map(message));
  }

  private header(kind: keyof typeof kindIcon, label: string, tags: string[], icon = kindIcon[kind]): HTMLElement {
    return h('header', { class: 'insp-header' }, h('span', { class: `codicon codicon-${icon}`, 'aria-hidden': 'true' }), h('h2', { id: 'insp-title' }, label),
      h('div', { class: 'tags' }, ...tags.filter(Boolean).map((t) => h('span', { class: `tag tag-${t.replace(/[^a-z]/g, '')}` }, t))));
  }

  private facts(rows: [string, string | undefined][]): HTMLElement {
    return h('dl', { class: 'facts' }, ...rows.filter(([, v]) => v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v!)]));
  }
}

function fill(el: HTMLElement, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null));
}

function section(heading: string, id: string, ...children: Child[]): HTMLElement {
  return h('vscode-collapsible', { id, heading, open: true }, h('div', { class: 'section-body' }, ...children));
}

function message(m: MessageDto): HTMLElement {
  m = { ...m, role: String(m.role) };
  const who = [m.role, m.name ? `(${m.name})` : '', m.finishReason ? `· ${m.finishReason}` : ''].filter(Boolean).join(' ');
  return h('div', { class: `msg role-${m.role.replace(/[^a-z]/gi, '').toLowerCase()}` }, h('div', { class: 'role' }, who), ...m.parts.map(part));
}

function part(p: MessagePartDto): HTMLElement {
  switch (p.type) {
    case 'text':
      return h('div', { class: 'part text' }, p.text);
    case 'reasoning':
      return h('div', { class: 'part reasoning' }, h('span', { class: 'muted' }, 'reasoning: '), p.text);
    case 'tool_call':
      return h('div', { class: 'part tool-call' }, h('div', { class: 'muted' }, `→ calls ${p.name}${p.id ? ` (${p.id})` : ''}`), h('pre', {}, p.arguments));
    case 'tool_result':
      return h('div', { class: 'part tool-result' }, h('div', { class: 'muted' }, `← result${p.name ? ` of ${p.name}` : ''}${p.id ? ` (${p.id})` : ''}`), h('pre', {}, p.result));
    case 'media':
      return h('div', { class: 'part media muted' }, `[${p.modality ?? 'media'}${p.mimeType ? ` ${p.mimeType}` : ''}${p.uri ? ` ${p.uri}` : ''}]`);
    default:
      return h('div', { class: 'part other' }, h('pre', {}, p.value));
  }
}

const howText: Record<string, string> = {
  attribute: 'code.* attributes', stacktrace: 'stack trace', 'tool-index': 'tool definition', 'prompt-match': 'prompt text', 'agent-index': 'agent definition',
};

/** "tools.ts:12 — tool definition, 85% (tool get_weather defined as getWeather)", or why there is none. */
function sourceText(d: StepDetailDto): string | undefined {
  if (!d.source) return d.sourceMissing;
  const where = `${d.source.path}${d.source.line !== undefined ? `:${d.source.line}` : ''}`;
  const how = `${howText[d.source.how] ?? d.source.how}, ${Math.round(d.source.confidence * 100)}%`;
  return `${where} — ${how}${d.source.detail ? ` (${d.source.detail})` : ''}`;
}

/** "4,470 (2,000 cache read, 2,300 cache write)": the total input, cache included, then its cached part (as the CLI prints it). */
function inputText(u: { inputTokens?: number; cacheReadTokens?: number; cacheWriteTokens?: number }): string | undefined {
  if (u.inputTokens === undefined) return undefined;
  const cache = [u.cacheReadTokens ? `${formatCount(u.cacheReadTokens)} cache read` : '', u.cacheWriteTokens ? `${formatCount(u.cacheWriteTokens)} cache write` : ''].filter(Boolean);
  return formatCount(u.inputTokens) + (cache.length ? ` (${cache.join(', ')})` : '');
}

const priceSourceText: Record<string, string> = { span: 'the span', database: 'price database', override: 'your price override', none: 'no price known' };
