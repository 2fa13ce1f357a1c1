// A stand-in for the OpenAI API on 127.0.0.1, so the example runs offline: it answers a tool-using
// conversation (first a call of the first tool the agent offers, then a final answer) with real-looking token usage.
import http from 'node:http';

function completion(message, finish, usage) {
  return { id: `chatcmpl-${Date.now()}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, message, finish_reason: finish }], usage };
}

function answer(body) {
  const messages = body.messages ?? [];
  const results = messages.filter((m) => m.role === 'tool');
  const usage = { prompt_tokens: 180 + 40 * results.length, completion_tokens: 24, total_tokens: 204 + 40 * results.length, prompt_tokens_details: { cached_tokens: results.length ? 128 : 0 } };
  if (results.length === 0) {
    const question = String(messages.at(-1)?.content ?? '');
    const cities = [...question.matchAll(/\b(Paris|Tokyo|Lisbon|Oslo|Berlin)\b/g)].map((m) => m[1]);
    // The tool's name comes from the request, so the only definition of it in the example is in tools.mjs.
    const tool = body.tools?.[0]?.function?.name ?? 'unknown_tool';
    const calls = (cities.length ? cities : ['Paris']).map((city, i) => ({ id: `call_${i + 1}`, type: 'function', function: { name: tool, arguments: JSON.stringify({ city }) } }));
    return completion({ role: 'assistant', content: null, tool_calls: calls }, 'tool_calls', usage);
  }
  const text = results.map((r) => JSON.parse(r.content)).map((w) => `${w.city}: ${w.temperatureC} °C, ${w.sky}`).join('; ');
  return completion({ role: 'assistant', content: `Here is the weather. ${text}.` }, 'stop', usage);
}

/** Starts the mock on 127.0.0.1:port (0 = any); resolves to its base URL (ending in /v1). */
export function startMockProvider(port = 0) {
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: `mock provider: no ${req.url}` } }));
    }
    const body = JSON.parse(raw);
    const reply = answer(body);
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(reply));
    }
    // Streamed: the final text word by word, usage in the last chunk (stream_options.include_usage).
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const base = { id: reply.id, object: 'chat.completion.chunk', created: reply.created, model: reply.model };
    const message = reply.choices[0].message;
    for (const word of (message.content ?? '').split(/(?<= )/)) res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] })}\n\n`);
    if (message.tool_calls) res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })) }, finish_reason: null }] })}\n\n`);
    res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.choices[0].finish_reason }] })}\n\n`);
    if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: reply.usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/v1`, close: () => server.close() }));
  });
}
