// Runs one of examples/ against a TraceEngine's receiver with the environment the launcher injects,
// and waits until everything it sent is stored.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { TraceEngine } from '../../src/core/engine';
import { withAgentEnv } from '../../src/core/launch/agentEnv';

export const repoRoot = path.resolve(__dirname, '../../..');

export async function runExample(engine: TraceEngine, command: string, args: string[], sessionId: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { http } = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
  const env = withAgentEnv(process.env, { httpEndpoint: `http://${http.host}:${http.port}`, sessionId, serviceName: sessionId });
  const bin = command === 'tsx' ? path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx') : command;
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(bin, args.map((a) => (a.startsWith('examples/') ? path.join(repoRoot, a) : a)), { env, cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  await engine.drain();
  return result;
}
