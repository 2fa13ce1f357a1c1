// Every command id and setting key the extension contributes, typed in one place (package.json mirrors
// this file; the integration suite checks that the two agree).
import type { ForwardProtocol } from '../core/forward/forwarder';
import type { PriceOverrides } from '../core/pricing';

export const Commands = {
  openTraceGraph: 'agentDebugger.openTraceGraph',
  startReceiver: 'agentDebugger.startReceiver',
  stopReceiver: 'agentDebugger.stopReceiver',
  copyEndpoint: 'agentDebugger.copyEndpoint',
  showLog: 'agentDebugger.showLog',
  importSession: 'agentDebugger.importSession',
  exportSession: 'agentDebugger.exportSession',
  renameSession: 'agentDebugger.renameSession',
  deleteSession: 'agentDebugger.deleteSession',
  clearSessions: 'agentDebugger.clearSessions',
  showStepsInGraph: 'agentDebugger.showStepsInGraph',
  openStep: 'agentDebugger.openStep',
  rerunFromHere: 'agentDebugger.rerunFromHere',
  runFork: 'agentDebugger.runFork',
  rerunWithEditedResponse: 'agentDebugger.rerunWithEditedResponse',
  rerunFromDebugStep: 'agentDebugger.rerunFromDebugStep',
  rerunFromDebugStepWithEditedResponse: 'agentDebugger.rerunFromDebugStepWithEditedResponse',
  playground: 'agentDebugger.playground',
  sendPlayground: 'agentDebugger.sendPlayground',
  sendSessionToEndpoint: 'agentDebugger.sendSessionToEndpoint',
  setForwardHeaders: 'agentDebugger.setForwardHeaders',
  filterSessions: 'agentDebugger.filterSessions',
  clearSessionFilter: 'agentDebugger.clearSessionFilter',
  compareSessions: 'agentDebugger.compareSessions',
  showSessionCost: 'agentDebugger.showSessionCost',
  breakOn: 'agentDebugger.breakOn',
  replaySession: 'agentDebugger.replaySession',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'agentDebugger',
  sessions: 'agentDebugger.sessions',
  cost: 'agentDebugger.cost',
} as const;

export const ContextKeys = {
  receiverRunning: 'agentDebugger.receiverRunning',
  hasSessions: 'agentDebugger.hasSessions',
  sessionsFiltered: 'agentDebugger.sessionsFiltered',
} as const;

/** Custom editor that opens `*.otlp.json` files as a session in the trace graph. */
export const otlpEditorViewType = 'agentDebugger.otlpFile';

/** Setting keys below the `agentDebugger` section, with their value types. */
export interface Settings {
  'receiver.autoStart': boolean;
  'receiver.port': number;
  'receiver.grpcPort': number;
  'receiver.grpcEnabled': boolean;
  'receiver.allowedOrigins': string[];
  'store.maxSpans': number;
  'store.maxMemoryMB': number;
  'store.sessionGapSeconds': number;
  'pricing.models': PriceOverrides;
  followInEditor: boolean;
  'codeLens.enabled': boolean;
  'forward.url': string;
  'forward.enabled': boolean;
  'forward.protocol': ForwardProtocol;
  /** $ a session may spend before the Cost view flags it; 0 = no budget. A launch's budgetUsd wins. */
  'budget.sessionUsd': number;
  'budget.action': 'warn' | 'pause' | 'stop';
  /** The recording LLM gateway for traced launches (see src/host/gateway). */
  'gateway.enabled': boolean;
  'gateway.providers': ('openai' | 'anthropic' | 'gemini' | 'ollama')[];
  'gateway.nodePreload': boolean;
  'gateway.pythonPreload': boolean;
  'gateway.port': number;
  /** Tools allowed per agent and argument globs (see core/safety ToolPolicy); empty = .agent-policy.json. */
  policy: Record<string, unknown>;
  'safety.taintSources': string[];
  'safety.taintSinks': string[];
  /** A fork that asks something else before its step: go live, or fail (src/host/fork). */
  'replay.onDivergence': 'live' | 'fail';
}
export const settingsSection = 'agentDebugger';
