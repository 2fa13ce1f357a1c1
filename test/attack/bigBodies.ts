// Large request bodies for the in-flight memory test: `mib` MiB of protobuf trace request, made of spans
// with one large attribute each (what a prompt-heavy batch looks like, only bigger).
import { encodeTraceRequest } from '../../src/core/otlp/protoEncode';
import { bulkRequest, str } from '../unit/store/fixtures';

export function bigTraceBody(mib: number, seed: number): Uint8Array {
  const perSpan = 64 * 1024;
  const spans = Math.floor((mib * 2 ** 20) / perSpan);
  const req = bulkRequest(spans, seed * 100_000, [str('service.name', `big-${seed}`)]);
  const prompt = 'p'.repeat(perSpan - 600);
  for (const s of req.resourceSpans[0]!.scopeSpans[0]!.spans) s.attributes.push(str('gen_ai.prompt', prompt));
  return encodeTraceRequest(req);
}

/** Peak resident set size of a process so far (Linux: VmHWM), in MiB. */
export async function peakRssMib(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Current resident set size (VmRSS), in MiB. */
export async function rssMib(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}
