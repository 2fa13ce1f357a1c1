// The keyboard map of the trace graph (pure, so it is unit-tested and documented in one place).
import type { StepCommand } from './stepper';

export type KeyAction =
  | { type: 'step'; command: StepCommand }
  | { type: 'play' }
  | { type: 'zoom'; direction: 1 | -1 | 0 };

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** Right/Left one event; Shift+Right/Left or n/p LLM calls; t/T tool calls; e/E errors; Home/End; Space play. */
export function keyAction(e: KeyLike): KeyAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  const step = (command: StepCommand): KeyAction => ({ type: 'step', command });
  switch (e.key) {
    case 'ArrowRight':
      return step(e.shiftKey ? 'nextLlm' : 'forward');
    case 'ArrowLeft':
      return step(e.shiftKey ? 'prevLlm' : 'back');
    case 'n':
      return step('nextLlm');
    case 'p':
      return step('prevLlm');
    case 't':
      return step('nextTool');
    case 'T':
      return step('prevTool');
    case 'e':
      return step('nextError');
    case 'E':
      return step('prevError');
    case 'Home':
      return step('first');
    case 'End':
      return step('last');
    case ' ':
      return { type: 'play' };
    case '+':
    case '=':
      return { type: 'zoom', direction: 1 };
    case '-':
      return { type: 'zoom', direction: -1 };
    case '0':
      return { type: 'zoom', direction: 0 };
    default:
      return undefined;
  }
}

/** Shown in tooltips and aria-keyshortcuts. */
export const shortcuts: Record<StepCommand | 'play', { keys: string; aria: string }> = {
  first: { keys: 'Home', aria: 'Home' },
  prevError: { keys: 'Shift+E', aria: 'Shift+E' },
  prevLlm: { keys: 'Shift+Left or P', aria: 'Shift+ArrowLeft P' },
  prevTool: { keys: 'Shift+T', aria: 'Shift+T' },
  back: { keys: 'Left', aria: 'ArrowLeft' },
  play: { keys: 'Space', aria: 'Space' },
  forward: { keys: 'Right', aria: 'ArrowRight' },
  nextTool: { keys: 'T', aria: 'T' },
  nextLlm: { keys: 'Shift+Right or N', aria: 'Shift+ArrowRight N' },
  nextError: { keys: 'E', aria: 'E' },
  last: { keys: 'End', aria: 'End' },
};
