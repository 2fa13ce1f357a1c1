import * as assert from 'node:assert/strict';
import { chainedUpstreams, gatewayEnv } from '../../../src/core/gateway/launchEnv';
import { agentEnv } from '../../../src/core/launch/agentEnv';

describe('gateway: the launch environment', () => {
  const gw = 'http://127.0.0.1:5000';

  it('points every SDK base-URL variable at the gateway', () => {
    const env = agentEnv({}, { httpEndpoint: 'http://127.0.0.1:4318', sessionId: 's', gatewayUrls: { openai: `${gw}/r/x/openai`, anthropic: `${gw}/r/x/anthropic`, ollama: `${gw}/r/x/ollama`, gemini: `${gw}/r/x/gemini` } });
    assert.equal(env.OPENAI_BASE_URL, `${gw}/r/x/openai`);
    assert.equal(env.OPENAI_API_BASE, `${gw}/r/x/openai`);
    assert.equal(env.ANTHROPIC_BASE_URL, `${gw}/r/x/anthropic`);
    assert.equal(env.OLLAMA_HOST, `${gw}/r/x/ollama`);
    assert.equal(env.GOOGLE_GEMINI_BASE_URL, `${gw}/r/x/gemini`);
    assert.equal(agentEnv({}, { httpEndpoint: 'http://127.0.0.1:4318', sessionId: 's' }).OPENAI_BASE_URL, undefined, 'gateway off: untouched');
    assert.deepEqual(gatewayEnv({ anthropic: 'u' }), { ANTHROPIC_BASE_URL: 'u' });
  });

  it('chains a base URL the user set, normalises OLLAMA_HOST, and never chains to itself', () => {
    const up = chainedUpstreams({
      OPENAI_BASE_URL: 'http://localhost:1234/v1/', ANTHROPIC_BASE_URL: `${gw}/r/old/anthropic`, OLLAMA_HOST: '0.0.0.0:9000', GOOGLE_GEMINI_BASE_URL: 'https://generativelanguage.googleapis.com',
    }, gw);
    assert.deepEqual(up, { openai: 'http://localhost:1234/v1', ollama: 'http://127.0.0.1:9000' });
    assert.deepEqual(chainedUpstreams({ OPENAI_API_BASE: 'https://my-proxy.example/v1' }, gw), { openai: 'https://my-proxy.example/v1' });
    assert.deepEqual(chainedUpstreams({ OLLAMA_HOST: 'gpu-box:9999' }, gw), { ollama: 'http://gpu-box:9999' });
  });
});
