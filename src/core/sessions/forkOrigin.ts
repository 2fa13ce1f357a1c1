// Which session and step a forked run was forked from: its gateway spans carry both.
import type { AgentStep } from '../agent';

/** A forked run's parent session and fork step (from its gateway spans), undefined for other runs. */
export interface ForkOrigin {
  parentSessionId: string;
  step: number;
}

export function forkOrigin(steps: readonly AgentStep[]): ForkOrigin | undefined {
  for (const s of steps) {
    const parent = s.attributes['agent_debugger.fork.parent_session'];
    const step = s.attributes['agent_debugger.fork.step'];
    if (typeof parent === 'string' && typeof step === 'number') return { parentSessionId: parent, step };
  }
  return undefined;
}
