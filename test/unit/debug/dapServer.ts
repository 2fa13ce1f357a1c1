// Test helpers: a debug adapter served over a TCP port, driven by @vscode/debugadapter-testsupport's
// DebugClient exactly as VS Code would drive it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { LoggingDebugSession } from '@vscode/debugadapter';
import { buildSession, spanInputsFromRequests, type AgentStep } from '../../../src/core/agent';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import { readFileSync } from 'node:fs';

export const repoRoot = path.resolve(__dirname, '../../../..');

export function fixtureSteps(name: string): AgentStep[] {
  const { traces, logs } = parseOtlpText(readFileSync(path.join(repoRoot, 'test/fixtures', `${name}.otlp.json`), 'utf8'));
  return buildSession(spanInputsFromRequests(traces, logs)).steps;
}

export interface Served {
  client: DebugClient;
  close(): Promise<void>;
}

export async function serveAdapter(create: () => LoggingDebugSession, debugType: string): Promise<Served> {
  const sessions: LoggingDebugSession[] = [];
  const server = net.createServer((socket) => {
    const session = create();
    sessions.push(session);
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const client = new DebugClient('node', 'unused', debugType);
  client.defaultTimeout = 10000;
  await client.start(port);
  return {
    client,
    async close() {
      await client.stop().catch(() => undefined);
      for (const s of sessions) s.dispose();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A scratch folder with an agent's source files (line numbers are what the tests locate steps at). */
export function sourceFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-debugger-src-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
