// The Python agents (no SDK, no OpenTelemetry) the gateway tests run: ask to add 2 and 3, run the tool
// call, ask again. They differ only in the HTTP client that sends the calls, where they send them and
// their key. urllib is the standard library; httpx and requests are found on whichever interpreter has them.
import { spawnSync } from 'node:child_process';

export type PythonClient = 'urllib' | 'httpx' | 'httpx-async' | 'requests';

/** `chat(messages)`: POSTs the messages, returns the reply's message (a dict). */
const chatFunctions: Record<PythonClient, (url: string, authorization: string) => string> = {
  urllib: (url, authorization) => `
import urllib.request
def chat(messages):
    req = urllib.request.Request(${url}, data=json.dumps({"model": "gpt-4o-mini", "messages": messages}).encode(),
                                 headers={"content-type": "application/json", "authorization": ${authorization}})
    with urllib.request.urlopen(req, timeout=20) as r:
        return json.load(r)["choices"][0]["message"]
`,
  httpx: (url, authorization) => `
import httpx
client = httpx.Client(timeout=20)
def chat(messages):
    r = client.post(${url}, json={"model": "gpt-4o-mini", "messages": messages}, headers={"authorization": ${authorization}})
    r.raise_for_status()
    return r.json()["choices"][0]["message"]
`,
  'httpx-async': (url, authorization) => `
import asyncio, httpx
async def achat(messages):
    async with httpx.AsyncClient(timeout=20) as client:
        r = await client.post(${url}, json={"model": "gpt-4o-mini", "messages": messages}, headers={"authorization": ${authorization}})
        r.raise_for_status()
        return r.json()["choices"][0]["message"]
def chat(messages):
    return asyncio.run(achat(messages))
`,
  requests: (url, authorization) => `
import requests
session = requests.Session()
def chat(messages):
    r = session.post(${url}, json={"model": "gpt-4o-mini", "messages": messages}, headers={"authorization": ${authorization}}, timeout=20)
    r.raise_for_status()
    return r.json()["choices"][0]["message"]
`,
};

export function pythonAdderAgent(opts: { url: string; authorization: string; client?: PythonClient }): string {
  return String.raw`
import json, os
${chatFunctions[opts.client ?? 'urllib'](opts.url, opts.authorization)}
messages = [{"role": "user", "content": "Add 2 and 3"}]
reply = chat(messages)
messages.append(reply)
for call in reply["tool_calls"]:
    args = json.loads(call["function"]["arguments"])
    messages.append({"role": "tool", "tool_call_id": call["id"], "content": str(args["a"] + args["b"])})
print(chat(messages)["content"])
`;
}

/** A Python interpreter that can import `client`'s module (the pyenv one, then Debian's), or undefined. */
export function pythonWith(client: PythonClient): string | undefined {
  const module = client === 'httpx-async' ? 'httpx' : client === 'urllib' ? 'urllib.request' : client;
  return ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
}
