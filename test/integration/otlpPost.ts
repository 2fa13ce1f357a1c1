// Posting OTLP/JSON from tests the way any SDK would, and waiting for its effects.
import { request } from 'node:http';

export interface SpanSpec {
  name: string;
  model?: string;
  tool?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** Extra string/number attributes (code.file.path, ...). */
  attributes?: Record<string, string | number>;
}

let nextSpan = 1;

export function postJsonSpans(endpoint: string, sessionId: string, specs: SpanSpec[], traceSeed = 1): Promise<number> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const traceId = traceSeed.toString(16).padStart(32, 'a');
  const spans = specs.map((spec, i) => {
    const attributes: { key: string; value: Record<string, unknown> }[] = [];
    const add = (key: string, value: Record<string, unknown>) => attributes.push({ key, value });
    if (spec.model) {
      add('gen_ai.operation.name', { stringValue: 'chat' });
      add('gen_ai.request.model', { stringValue: spec.model });
      add('gen_ai.usage.input_tokens', { intValue: String(spec.inputTokens ?? 100) });
      add('gen_ai.usage.output_tokens', { intValue: String(spec.outputTokens ?? 10) });
    }
    if (spec.tool) {
      add('gen_ai.operation.name', { stringValue: 'execute_tool' });
      add('gen_ai.tool.name', { stringValue: spec.tool });
    }
    for (const [key, v] of Object.entries(spec.attributes ?? {})) add(key, typeof v === 'number' ? { intValue: String(v) } : { stringValue: v });
    const start = now + BigInt(i) * 10_000_000n;
    return { traceId, spanId: (nextSpan++).toString(16).padStart(16, '0'), name: spec.name, kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5_000_000n), attributes };
  });
  const body = JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'it-agent' } }, { key: 'agent_debugger.session.id', value: { stringValue: sessionId } }] },
      scopeSpans: [{ scope: { name: 'it' }, spans }],
    }],
  });
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * How long a test waits for a webview to start: ~1-2 s here, a few more on a loaded 2-core CI machine. (It
 * was 150 s while webviews fetched their bundles: one closed mid-fetch held every new one ~30 s, more in a
 * row. They fetch nothing now: core/webviewAssets.ts.)
 */
export const webviewBootMs = 45_000;
/** A test that boots a webview may wait that long and still have work to do. */
export const webviewTestMs = webviewBootMs + 60_000;

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
