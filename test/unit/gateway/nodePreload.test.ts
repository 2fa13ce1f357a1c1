// The Node preload (dist/gatewayPreload.js via NODE_OPTIONS): a client that hard-codes its provider URL
// and ignores OPENAI_BASE_URL still goes through the gateway. The hard-coded host here is under
// .invalid (never resolves), so a preload that failed could not reach any network.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { gatewayEnv } from '../../../src/core/gateway/launchEnv';
import { GatewayHarness, PLANTED_KEY } from './harness';

const root = resolve(__dirname, '../../../..');
const agent = `
const OpenAI = require('openai');
const client = new OpenAI({ apiKey: process.env.KEY, baseURL: 'https://llm.invalid/v1', maxRetries: 0 });
client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
  .then((r) => console.log(r.choices[0].message.content), (e) => { console.error(String(e)); process.exit(1); });
`;

describe('gateway: the Node preload for hard-coded provider URLs', () => {
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  it('routes fetch() to a provider URL through the gateway', async () => {
    h.mock.answer({ json: { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'routed' } }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } } });
    const env = gatewayEnv({ openai: h.baseUrl('openai') }, { path: join(root, 'dist/gatewayPreload.js'), nodeOptions: undefined });
    assert.match(env.NODE_OPTIONS!, /^--require ".*gatewayPreload\.js"$/);
    // The real route maps https://api.openai.com/v1; the test maps an unresolvable stand-in the same way.
    const routes = JSON.parse(env.AGENT_DEBUGGER_GATEWAY_ROUTES!) as Record<string, string>;
    assert.equal(routes['https://api.openai.com/v1'], h.baseUrl('openai'));
    const child = spawn(process.execPath, ['-e', agent], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KEY: PLANTED_KEY, NODE_OPTIONS: env.NODE_OPTIONS, AGENT_DEBUGGER_GATEWAY_ROUTES: JSON.stringify({ 'https://llm.invalid/v1': h.baseUrl('openai') }) },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.equal(await new Promise((r) => child.on('exit', r)), 0);
    assert.equal(out.trim(), 'routed');
    assert.equal(h.mock.requests[0]!.url, '/v1/chat/completions');
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.inputTokens, 5);
  });
});
