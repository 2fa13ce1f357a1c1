// Find in a trace (Ctrl/Cmd+F): a find bar like the editor's. The host searches what the webview does not hold
// (prompts, outputs, tool args and results, attribute values) and answers step ids; the bar counts them ("3 of
// 12"), Enter / Shift+Enter move the time cursor to the next / previous match, Esc closes.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { h } from '../shared/dom';
import { debounce } from './util';
import { formatCount } from './viewModel';

export interface SearchEvents {
  /** Ask for the steps matching `query` (step indices in the model's order); reject with a message. */
  find(query: string): Promise<{ steps: number[]; total: number }>;
  /** The matches changed (empty: none or closed): mark them in graph and waterfall. */
  marked(steps: number[]): void;
  /** Go to match `step` (the i-th). */
  go(step: number): void;
  /** Where the cursor's step is in time order, to start from the match after it. */
  order(step: number): number;
  cursorStep(): number;
}

export class SearchBar {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly count: HTMLElement;
  private matches: number[] = [];
  private total = 0;
  private at = -1;
  private seq = 0;

  constructor(private readonly events: SearchEvents) {
    this.input = h('input', { type: 'search', id: 'search-input', class: 'search-input', placeholder: 'Find steps: name, prompt, output, tool args, attributes',
      'aria-label': 'Find steps (Enter: next match, Shift+Enter: previous, Esc: close)', spellcheck: 'false', autocomplete: 'off' });
    this.count = h('span', { id: 'search-count', class: 'search-count', role: 'status', 'aria-live': 'polite' });
    const button = (id: string, icon: string, label: string, run: () => void) => {
      const b = h('vscode-button', { id, icon, 'icon-only': true, secondary: true, 'aria-label': label, title: label });
      b.addEventListener('click', run);
      return b;
    };
    this.element = h('div', { class: 'search-bar', id: 'search-bar', role: 'search', hidden: true },
      h('span', { class: 'codicon codicon-search', 'aria-hidden': 'true' }), this.input, this.count,
      button('search-prev', 'arrow-up', 'Previous match (Shift+Enter)', () => this.step(-1)),
      button('search-next', 'arrow-down', 'Next match (Enter)', () => this.step(1)),
      button('search-close', 'close', 'Close (Esc)', () => this.close()));
    const run = debounce(() => void this.run(), 120);
    this.input.addEventListener('input', run);
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.step(e.shiftKey ? -1 : 1);
      else if (e.key === 'Escape') this.close();
      else return;
      e.preventDefault();
      e.stopPropagation();
    });
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  /** Ctrl/Cmd+F: show the bar with the query selected. */
  show(): void {
    this.element.hidden = false;
    this.input.focus();
    this.input.select();
  }

  close(): void {
    this.element.hidden = true;
    this.seq++;
    this.matches = [];
    this.at = -1;
    this.events.marked([]);
  }

  /** The session changed (live update): search again with the same query. */
  refresh(): void {
    if (this.open && this.input.value.trim()) void this.run(false);
  }

  private async run(jump = true): Promise<void> {
    const query = this.input.value;
    const seq = ++this.seq;
    if (!query.trim()) {
      this.matches = [];
      this.total = 0;
      this.at = -1;
      this.events.marked([]);
      return this.say('');
    }
    try {
      const found = await this.events.find(query);
      if (seq !== this.seq) return; // a newer query is on its way
      this.matches = found.steps.slice().sort((a, b) => this.events.order(a) - this.events.order(b));
      this.total = found.total;
      this.events.marked(this.matches);
      this.at = this.matches.indexOf(this.events.cursorStep());
      if (jump && this.at < 0 && this.matches.length) this.step(1);
      else this.sayCount();
    } catch (e) {
      if (seq === this.seq) this.say(`Search failed: ${(e as Error).message}`);
    }
  }

  /** The next (1) or previous (-1) match from the cursor's step, wrapping around. */
  private step(direction: 1 | -1): void {
    if (!this.matches.length) return this.sayCount();
    if (this.at < 0) {
      const here = this.events.order(this.events.cursorStep());
      const after = this.matches.findIndex((s) => this.events.order(s) > here);
      this.at = direction > 0 ? (after < 0 ? 0 : after) : (after < 0 ? this.matches.length : after) - 1;
      if (this.at < 0) this.at = this.matches.length - 1;
    } else this.at = (this.at + direction + this.matches.length) % this.matches.length;
    this.events.go(this.matches[this.at]);
    this.sayCount();
  }

  /** Called when the cursor moved by other means: "3 of 12" only while it is on a match. */
  cursorMoved(): void {
    if (!this.open || !this.matches.length) return;
    this.at = this.matches.indexOf(this.events.cursorStep());
    this.sayCount();
  }

  private sayCount(): void {
    const n = this.matches.length;
    const more = this.total > n ? ` (first ${formatCount(n)} of ${formatCount(this.total)})` : '';
    if (!n) return this.say(this.input.value.trim() ? 'No results' : '');
    this.say(this.at >= 0 ? `${formatCount(this.at + 1)} of ${formatCount(n)}${more}` : `${formatCount(n)} match${n === 1 ? '' : 'es'}${more}`);
  }

  private say(text: string): void {
    this.count.textContent = text;
    this.count.classList.toggle('none', text === 'No results');
  }
}
