# A Python agent with NO OpenTelemetry and NO SDK that HARD-CODES https://api.openai.com (urllib only).
# Under Agent Debugger (F5, or `agent-debugger record`), the sitecustomize.py the launcher puts on
# PYTHONPATH sends its calls to the recording LLM gateway anyway. Offline: it starts a mock OpenAI API
# on 127.0.0.1 (MOCK_PROVIDER_PORT, default 18081) and launch.json points OPENAI_BASE_URL there, which
# the gateway takes as its upstream; a dead HTTPS_PROXY there keeps an unrouted call off the network.
import json
import os
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API = "https://api.openai.com/v1/chat/completions"


def convert(amount, rate):
    """The agent's tool: a currency conversion at a given rate."""
    return round(amount * rate, 2)


TOOLS = [{"type": "function", "function": {
    "name": "convert", "description": "Convert an amount at a rate",
    "parameters": {"type": "object", "properties": {"amount": {"type": "number"}, "rate": {"type": "number"}}, "required": ["amount", "rate"]},
}}]


class MockOpenAI(BaseHTTPRequestHandler):
    """Answers the first call with a tool call and the next (with the tool's result) in words."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        results = [m["content"] for m in body["messages"] if m["role"] == "tool"]
        if results:
            choice = {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": f"120 EUR is {results[0]} USD."}}
            usage = {"prompt_tokens": 140, "completion_tokens": 9, "total_tokens": 149}
        else:
            call = {"id": "call_convert", "type": "function", "function": {"name": "convert", "arguments": json.dumps({"amount": 120, "rate": 1.08})}}
            choice = {"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": None, "tool_calls": [call]}}
            usage = {"prompt_tokens": 95, "completion_tokens": 21, "total_tokens": 116}
        data = json.dumps({"id": "mock", "object": "chat.completion", "created": 1, "model": body["model"], "choices": [choice], "usage": usage}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def chat(messages):
    request = urllib.request.Request(API, data=json.dumps({"model": "gpt-4o-mini", "messages": messages, "tools": TOOLS}).encode(), headers={
        "content-type": "application/json", "authorization": "Bearer " + os.environ.get("OPENAI_API_KEY", "sk-example-not-a-real-key")})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["choices"][0]["message"]


def main():
    mock = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("MOCK_PROVIDER_PORT", "18081"))), MockOpenAI)
    threading.Thread(target=mock.serve_forever, daemon=True).start()
    messages = [{"role": "user", "content": sys.argv[1] if len(sys.argv) > 1 else "Convert 120 EUR to USD at 1.08"}]
    try:
        for _ in range(4):
            reply = chat(messages)
            messages.append(reply)
            if not reply.get("tool_calls"):
                print(f"agent: {reply['content']}")
                return
            for call in reply["tool_calls"]:
                result = convert(**json.loads(call["function"]["arguments"]))
                print(f"agent: convert({call['function']['arguments']}) -> {result}")
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)})
    finally:
        mock.shutdown()


main()
