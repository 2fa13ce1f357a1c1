import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import * as vscode from 'vscode';
import { activeApi } from './extension.test';

/** One LLM span with usage, posted as OTLP/JSON the way any SDK would. */
function postLlmSpan(endpoint: string, sessionId: string, model: string, inputTokens: number, outputTokens: number): Promise<number> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pricing-agent' } }, { key: 'agent_debugger.session.id', value: { stringValue: sessionId } }] },
      scopeSpans: [{
        scope: { name: 'it' },
        spans: [{
          traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: `chat ${model}`, kind: 3,
          startTimeUnixNano: String(now), endTimeUnixNano: String(now + 5_000_000n),
          attributes: [
            { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
            { key: 'gen_ai.request.model', value: { stringValue: model } },
            { key: 'gen_ai.usage.input_tokens', value: { intValue: String(inputTokens) } },
            { key: 'gen_ai.usage.output_tokens', value: { intValue: outputTokens } },
          ],
        }],
      }],
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

async function itemFor(sessionId: string) {
  const { sessions } = await activeApi();
  const deadline = Date.now() + 10000;
  for (;;) {
    const item = (await sessions.getChildren()).find((i) => i.session.id === sessionId);
    if (item) return item;
    if (Date.now() > deadline) throw new Error(`no tree item for ${sessionId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Sessions view: costs from the agent model', () => {
  const config = () => vscode.workspace.getConfiguration('agentDebugger');
  after(async () => config().update('pricing.models', undefined, vscode.ConfigurationTarget.Global));

  it('prices a session with the user\'s override ($ per million tokens)', async () => {
    const { receiver } = await activeApi();
    await receiver.start();
    await config().update('pricing.models', { 'house-model*': { input: 2, output: 4 } }, vscode.ConfigurationTarget.Global);
    assert.equal(await postLlmSpan(receiver.httpEndpoint!, 'priced', 'house-model-v2', 1000, 500), 200);
    const item = await itemFor('priced');
    // 1000 x $2/M + 500 x $4/M = $0.002 + $0.002
    assert.match(String(item.description), /1 spans · \$0\.0040/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /1 LLM calls .* 1,000 in \/ 500 out tokens · \$0\.0040/);
  });

  it('says "no price" for a model it cannot price, never $0', async () => {
    const { receiver } = await activeApi();
    assert.equal(await postLlmSpan(receiver.httpEndpoint!, 'unpriced', 'mystery-model-9000', 100, 10), 200);
    const item = await itemFor('unpriced');
    assert.match(String(item.description), /no price/);
    assert.doesNotMatch(String(item.description), /\$0/);
    // As rendered: markdown escapes removed.
    const rendered = (item.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(rendered, /No price for mystery-model-9000: add one in `agentDebugger\.pricing\.models`/);
  });
});
