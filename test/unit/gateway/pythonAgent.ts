// The standard-library Python agent (urllib, no SDK, no OpenTelemetry) the gateway tests run: asks to add
// 2 and 3, runs the tool call, asks again. Only where it sends its calls and its key differ between tests.
export function pythonAdderAgent(opts: { url: string; authorization: string; timeout?: string }): string {
  return String.raw`
import json, os, urllib.request
def chat(messages):
    req = urllib.request.Request(${opts.url}, data=json.dumps({"model": "gpt-4o-mini", "messages": messages}).encode(),
                                 headers={"content-type": "application/json", "authorization": ${opts.authorization}})
    with urllib.request.urlopen(req${opts.timeout ? `, timeout=${opts.timeout}` : ''}) as r:
        return json.load(r)["choices"][0]["message"]
messages = [{"role": "user", "content": "Add 2 and 3"}]
reply = chat(messages)
messages.append(reply)
for call in reply["tool_calls"]:
    args = json.loads(call["function"]["arguments"])
    messages.append({"role": "tool", "tool_call_id": call["id"], "content": str(args["a"] + args["b"])})
print(chat(messages)["content"])
`;
}
