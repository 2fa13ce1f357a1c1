// Safety findings: the public surface (core; no vscode).
export { countByKind, findSafety } from './findSafety';
export { detectInjection } from './injection';
export { maskText, maskValue } from './mask';
export { parsePolicy } from './policy';
export { detectPii, detectSecrets, isPlaceholder, luhn } from './secrets';
export { defaultTaintSinks, defaultTaintSources } from './taint';
export { safetyKinds, type AgentPolicy, type SafetyFinding, type SafetyKind, type SafetyOptions, type TaintOptions, type ToolPolicy } from './types';
export { safetySection } from './dto';
