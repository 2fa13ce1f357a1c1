// The two debug types the extension contributes, and the fields its providers add to a configuration.
export const DebugTypes = {
  agent: 'agent',
  replay: 'agent-replay',
} as const;

/** Fields the providers write into a resolved configuration (never written by users). */
export interface InjectedFields {
  /** The store session the run's spans go to; present = already resolved (providers may run twice). */
  agentDebuggerSessionId?: string;
  agentDebuggerEndpoints?: { http: string; grpc?: string };
}

/** `agentDebugger: true` on any configuration, plus the options an `agent` launch shares with it. */
export interface TracedConfigFields extends InjectedFields {
  agentDebugger?: boolean;
  openGraph?: boolean;
  budgetUsd?: number;
  budgetAction?: 'warn' | 'pause' | 'stop';
  breakOn?: string[];
}
