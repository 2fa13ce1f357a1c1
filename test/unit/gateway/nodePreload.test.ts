// The Node preload (dist/gatewayPreload.js via NODE_OPTIONS): a client that hard-codes its provider URL
// and ignores OPENAI_BASE_URL still goes through the gateway, whether it sends with fetch() or with
// node:https. The hard-coded host here is under .invalid (never resolves), so a preload that failed
// could not reach any network.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { gatewayEnv } from '../../../src/core/gateway/launchEnv';
import { GatewayHarness, PLANTED_KEY } from './harness';

const root = resolve(__dirname, '../../../..');
const reply = (content: string, prompt: number) => ({ json: { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }], usage: { prompt_tokens: prompt, completion_tokens: 1, total_tokens: prompt + 1 } } });
const body = `JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })`;

const agents = {
  openaiSdk: `
const OpenAI = require('openai');
const client = new OpenAI({ apiKey: process.env.KEY, baseURL: 'https://llm.invalid/v1', maxRetries: 0 });
client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
  .then((r) => console.log(r.choices[0].message.content), (e) => { console.error(String(e)); process.exit(1); });
`,
  // node:https by hand, with an https agent and a Host header of its own (both must give way to the gateway's).
  nodeHttps: `
const https = require('node:https');
const req = https.request('https://llm.invalid/v1/chat/completions', { method: 'POST', agent: new https.Agent({ keepAlive: true }),
  headers: { host: 'llm.invalid', 'content-type': 'application/json', authorization: 'Bearer ' + process.env.KEY } }, (res) => {
  let text = '';
  res.on('data', (d) => (text += d));
  res.on('end', () => { console.log(JSON.parse(text).choices[0].message.content); process.exit(0); });
});
req.on('error', (e) => { console.error(String(e)); process.exit(1); });
req.end(${body});
`,
  // node-fetch (ESM) sends with node:https's request: an ES module client of the built-ins.
  nodeFetch: `
import fetch from 'node-fetch';
const r = await fetch('https://llm.invalid/v1/chat/completions', { method: 'POST', body: ${body},
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.KEY } });
console.log((await r.json()).choices[0].message.content);
`,
  // https.get with options (no URL): the other way to call node:https.
  httpsGetOptions: `
import { get } from 'node:https';
get({ hostname: 'llm.invalid', path: '/v1/models', headers: { authorization: 'Bearer ' + process.env.KEY } }, (res) => {
  let text = '';
  res.on('data', (d) => (text += d));
  res.on('end', () => console.log(res.statusCode, JSON.parse(text).data[0].id));
}).on('error', (e) => { console.error(String(e)); process.exit(1); });
`,
};

describe('gateway: the Node preload for hard-coded provider URLs', () => {
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  function run(source: string, esm = false): Promise<{ code: number | null; out: string; err: string }> {
    const env = gatewayEnv({ openai: h.baseUrl('openai') }, { path: join(root, 'dist/gatewayPreload.js'), nodeOptions: undefined });
    // The real route maps https://api.openai.com/v1; the test maps an unresolvable stand-in the same way.
    const child = spawn(process.execPath, [...(esm ? ['--input-type=module'] : []), '-e', source], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KEY: PLANTED_KEY, NODE_OPTIONS: env.NODE_OPTIONS, AGENT_DEBUGGER_GATEWAY_ROUTES: JSON.stringify({ 'https://llm.invalid/v1': h.baseUrl('openai') }) },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise((done) => child.on('exit', (code) => done({ code, out: out.trim(), err })));
  }

  it('sets NODE_OPTIONS and maps the provider default URLs', () => {
    const env = gatewayEnv({ openai: h.baseUrl('openai') }, { path: join(root, 'dist/gatewayPreload.js'), nodeOptions: '--max-old-space-size=512' });
    assert.match(env.NODE_OPTIONS!, /^--max-old-space-size=512 --require ".*gatewayPreload\.js"$/);
    const routes = JSON.parse(env.AGENT_DEBUGGER_GATEWAY_ROUTES!) as Record<string, string>;
    assert.equal(routes['https://api.openai.com/v1'], h.baseUrl('openai'));
  });

  for (const [name, esm] of [['openaiSdk', false], ['nodeHttps', false], ['nodeFetch', true]] as const) {
    it(`routes a ${name} call to a provider URL through the gateway`, async () => {
      h.mock.answer(reply(`routed ${name}`, 5));
      const r = await run(agents[name], esm);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, `routed ${name}`);
      assert.equal(h.mock.requests.length, 1);
      assert.equal(h.mock.requests[0]!.url, '/v1/chat/completions');
      assert.equal(h.mock.requests[0]!.headers.authorization, `Bearer ${PLANTED_KEY}`);
      const [llm, ...more] = (await h.session()).steps;
      assert.equal(more.length, 0);
      assert.equal(llm!.inputTokens, 5);
      assert.ok(llm!.outputMessages?.[0]?.parts.some((p) => p.type === 'text' && p.text === `routed ${name}`));
    });
  }

  // The ollama client reads no OLLAMA_HOST: its default instance calls http://127.0.0.1:11434 with fetch.
  // Here the launcher's real route table (not a stand-in) sends it to the gateway.
  it('routes the default ollama client (which ignores OLLAMA_HOST) with the real route table', async () => {
    h.mock.answer({ ndjson: [
      { model: 'llama3.2', created_at: 't', message: { role: 'assistant', content: 'from ' }, done: false },
      { model: 'llama3.2', created_at: 't', message: { role: 'assistant', content: 'ollama' }, done: true, done_reason: 'stop', prompt_eval_count: 12, eval_count: 2 },
    ] });
    const env = gatewayEnv({ ollama: h.baseUrl('ollama') }, { path: join(root, 'dist/gatewayPreload.js'), nodeOptions: undefined });
    const source = `
import ollama from 'ollama';
let text = '';
for await (const part of await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: true })) text += part.message.content;
console.log(text);
`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    assert.equal(await new Promise((done) => child.on('exit', done)), 0, err);
    assert.equal(out.trim(), 'from ollama');
    assert.equal(h.mock.requests[0]!.url, '/api/chat');
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.provider, 'ollama');
    assert.equal(llm!.inputTokens, 12);
    assert.equal(llm!.outputTokens, 2);
  });

  it('routes https.get(options) (an ES module named import) and passes non-model paths unrecorded', async () => {
    h.mock.answer({ json: { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] } });
    const r = await run(agents.httpsGetOptions, true);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '200 gpt-4o-mini');
    assert.equal(h.mock.requests[0]!.url, '/v1/models');
    assert.equal((await h.session()).steps.length, 0);
  });
});
