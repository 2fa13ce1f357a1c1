// The attribute keys that name a span's session (see sessionRouter.ts), in a module of their own so that
// the decode worker can read them without loading the store.
export const launcherSessionKey = 'agent_debugger.session.id';
export const explicitSessionKeys: readonly string[] = ['session.id', 'gen_ai.conversation.id'];
/** Names a session that has no better name (see sessionRouter.ts). */
export const agentNameKey = 'gen_ai.agent.name';
/** Every attribute key routing reads. */
export const sessionKeys: readonly string[] = [launcherSessionKey, ...explicitSessionKeys, agentNameKey];

export function isSessionKey(key: string): boolean {
  return sessionKeys.includes(key);
}
