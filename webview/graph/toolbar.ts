// The time-travel toolbar: vscode-elements buttons (each with an aria label naming its shortcut), play/pause
// with a speed, a scrubber over the timeline, zoom, and a live status line.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { h } from '../shared/dom';
import { shortcuts } from './keys';
import type { StepCommand } from './stepper';

export interface ToolbarEvents {
  command(c: StepCommand): void;
  play(): void;
  speed(speed: number): void;
  scrub(cursor: number): void;
  zoom(direction: 1 | -1 | 0): void;
}

export const speeds = [0.5, 1, 2, 4, 10];

export class Toolbar {
  readonly element: HTMLElement;
  private readonly playButton: HTMLElement;
  private readonly scrubber: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly speedSelect: HTMLElement & { value: string };
  private readonly steps = new Map<StepCommand, HTMLElement>();
  private flashTimer: ReturnType<typeof setTimeout> | undefined;
  private lastStatus = '';

  constructor(events: ToolbarEvents) {
    const step = (id: string, command: StepCommand, icon: string, label: string) => {
      const b = this.button(id, icon, `${label} (${shortcuts[command].keys})`, () => events.command(command), shortcuts[command].aria);
      this.steps.set(command, b);
      return b;
    };
    this.playButton = this.button('play', 'debug-start', `Play (${shortcuts.play.keys})`, () => events.play(), shortcuts.play.aria);
    this.speedSelect = h('vscode-single-select', { id: 'speed', 'aria-label': 'Playback speed', title: 'Playback speed' }) as HTMLElement & { value: string };
    for (const s of speeds) this.speedSelect.append(h('vscode-option', { value: String(s) }, `${s}×`));
    this.speedSelect.addEventListener('change', () => events.speed(Number(this.speedSelect.value) || 1));
    this.scrubber = h('input', { id: 'scrubber', type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Timeline position' });
    this.scrubber.addEventListener('input', () => events.scrub(Number(this.scrubber.value)));
    this.status = h('div', { id: 'position', class: 'position', role: 'status', 'aria-live': 'polite' });
    const group = (label: string, ...children: HTMLElement[]) => h('div', { class: 'tb-group', role: 'group', 'aria-label': label }, h('span', { class: 'tb-label', 'aria-hidden': 'true' }, label), ...children);
    this.element = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Time travel' },
      h('div', { class: 'tb-group', role: 'group', 'aria-label': 'Step' },
        step('first', 'first', 'debug-reverse-continue', 'First event'),
        step('back', 'back', 'debug-step-back', 'Step back one event'),
        this.playButton,
        step('forward', 'forward', 'debug-step-over', 'Step forward one event'),
        step('last', 'last', 'debug-continue', 'Last event'),
        this.speedSelect),
      group('LLM', step('prev-llm', 'prevLlm', 'arrow-left', 'Previous LLM call'), step('next-llm', 'nextLlm', 'arrow-right', 'Next LLM call')),
      group('Tool', step('prev-tool', 'prevTool', 'arrow-left', 'Previous tool call'), step('next-tool', 'nextTool', 'arrow-right', 'Next tool call')),
      group('Error', step('prev-error', 'prevError', 'arrow-left', 'Previous error'), step('next-error', 'nextError', 'arrow-right', 'Next error')),
      h('div', { class: 'tb-group', role: 'group', 'aria-label': 'Zoom' },
        this.button('zoom-out', 'zoom-out', 'Zoom out (-)', () => events.zoom(-1)),
        this.button('zoom-in', 'zoom-in', 'Zoom in (+)', () => events.zoom(1)),
        this.button('zoom-fit', 'screen-full', 'Fit the graph (0)', () => events.zoom(0))),
      h('div', { class: 'scrub' }, this.scrubber, this.status),
    );
  }

  setLength(length: number): void {
    this.scrubber.max = String(Math.max(0, length - 1));
  }

  setCursor(cursor: number, status: string): void {
    this.scrubber.value = String(cursor);
    this.scrubber.setAttribute('aria-valuetext', status);
    this.lastStatus = status;
    if (this.flashTimer === undefined) this.status.textContent = status;
  }

  /** Marks the step buttons that have nowhere to go (`can(c)` false) disabled: dimmed and announced, yet still
   *  in the Tab order (as in an ARIA toolbar), where pressing one says why it does nothing. */
  setEnabled(can: (c: StepCommand) => boolean): void {
    for (const [command, b] of this.steps) {
      const off = String(!can(command));
      if (b.getAttribute('aria-disabled') !== off) b.setAttribute('aria-disabled', off);
    }
  }

  /** Says briefly, in the status line (read out by screen readers), why a key did nothing. */
  flash(message: string): void {
    clearTimeout(this.flashTimer);
    this.status.textContent = message;
    this.status.classList.add('flash');
    this.flashTimer = setTimeout(() => {
      this.flashTimer = undefined;
      this.status.classList.remove('flash');
      this.status.textContent = this.lastStatus;
    }, 2500);
  }

  setPlaying(playing: boolean): void {
    this.playButton.setAttribute('icon', playing ? 'debug-pause' : 'debug-start');
    const label = `${playing ? 'Pause' : 'Play'} (${shortcuts.play.keys})`;
    this.playButton.setAttribute('aria-label', label);
    this.playButton.title = label;
    this.playButton.setAttribute('aria-pressed', String(playing));
  }

  setSpeed(speed: number): void {
    this.speedSelect.value = String(speed);
  }

  private button(id: string, icon: string, label: string, run: () => void, keys?: string): HTMLElement {
    const b = h('vscode-button', { id: `tb-${id}`, icon, 'icon-only': true, secondary: true, 'aria-label': label, title: label, 'aria-keyshortcuts': keys });
    b.addEventListener('click', run);
    return b;
  }
}
