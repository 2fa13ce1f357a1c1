// The '*' provider's job: `"agentDebugger": true` on any debug configuration (python, debugpy, node,
// pwa-node, ...) gets the same OTLP environment an `agent` launch gets. VS Code may call resolvers more
// than once per launch (a type change loops through them again), so this is idempotent.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { agentEnv } from '../../core/launch/agentEnv';
import type { ReceiverService } from '../receiverService';
import type { TracedConfigFields } from './debugTypes';

/** Starts the receiver if needed; the endpoints to point agents at, or undefined if it could not start. */
export async function receiverEndpoints(receiver: ReceiverService): Promise<{ http: string; grpc?: string } | undefined> {
  await receiver.start();
  const state = receiver.state;
  if (state.kind !== 'running') return undefined;
  return { http: `http://${state.http.host}:${state.http.port}`, grpc: state.grpc ? `http://${state.grpc.host}:${state.grpc.port}` : undefined };
}

export function wantsTracing(config: vscode.DebugConfiguration): boolean {
  return (config as TracedConfigFields).agentDebugger === true;
}

/** Adds the OTLP variables to `config.env` (null removes a variable, as js-debug and debugpy read it). */
export function injectAgentEnv(config: vscode.DebugConfiguration & TracedConfigFields, endpoints: { http: string; grpc?: string }): void {
  if (config.agentDebuggerSessionId) return;
  const sessionId = randomUUID();
  const own: Record<string, string | null> = { ...(config.env as Record<string, string | null> | undefined) };
  const base: Record<string, string | undefined> = { ...process.env };
  for (const [k, v] of Object.entries(own)) base[k] = v ?? undefined;
  const program = typeof config.program === 'string' ? path.basename(config.program) : undefined;
  const vars = agentEnv(base, { httpEndpoint: endpoints.http, grpcEndpoint: endpoints.grpc, sessionId, serviceName: program ?? config.name });
  for (const [k, v] of Object.entries(vars)) {
    if (v !== undefined) own[k] = v;
    else if (base[k] !== undefined) own[k] = null;
  }
  config.env = own;
  config.agentDebuggerSessionId = sessionId;
  config.agentDebuggerEndpoints = endpoints;
}
