"""A small tool-using agent that runs offline and traces itself with OpenTelemetry GenAI spans.

A scripted "model" asks for an exchange rate, converts the amount, then answers. Spans follow the GenAI
semantic conventions (invoke_agent -> chat -> execute_tool -> chat). With the OpenTelemetry SDK installed
they go through it; without it (the usual case here) otlp_stdlib.py posts OTLP/HTTP JSON with urllib.

    python3 examples/python-stdlib-agent/agent.py "Convert 120 EUR to USD"    [--fail: an unknown currency]
"""
import json
import os
import re
import sys
import time

from tools import TOOLS

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEM = open(os.path.join(HERE, "prompts", "system.md"), encoding="utf-8").read().strip()
MODEL = "gpt-4o-mini"
STEP_DELAY = int(os.environ.get("AGENT_STEP_DELAY_MS", "300")) / 1000

try:  # the real SDK when present (pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http)
    from opentelemetry import trace as _otel_trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    _provider = TracerProvider()
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    _otel_trace.set_tracer_provider(_provider)
    _sdk_tracer = _otel_trace.get_tracer("python-stdlib-agent")

    def span(name, attributes=None):
        return _sdk_tracer.start_as_current_span(name, attributes=attributes)

    def shutdown():
        _provider.shutdown()
except ImportError:
    from otlp_stdlib import Tracer

    _tracer = Tracer("python-stdlib-agent", "python-stdlib-agent")
    span = _tracer.span
    shutdown = _tracer.shutdown


def tokens(value):
    return max(1, len(json.dumps(value)) // 4)


def scripted_model(messages):
    """Turn 1: get_rate; turn 2: convert with that rate; turn 3: answer."""
    question = messages[0]["parts"][0]["content"]
    results = [m["parts"][0]["response"] for m in messages if m["role"] == "tool"]
    amount, base, quote = re.search(r"([\d.]+)\s*([A-Za-z]{3})\D+([A-Za-z]{3})", question).groups()
    if "--fail" in sys.argv:
        quote = "XYZ"
    if not results:
        call = {"type": "tool_call", "id": "call_rate", "name": "get_rate", "arguments": {"base": base, "quote": quote}}
        return {"role": "assistant", "finish_reason": "tool_call", "parts": [call]}
    last = results[-1]
    if "rate" in last:
        call = {"type": "tool_call", "id": "call_convert", "name": "convert", "arguments": {"amount": float(amount), "rate": last["rate"]}}
        return {"role": "assistant", "finish_reason": "tool_call", "parts": [call]}
    text = f"{amount} {base.upper()} is {last['amount']} {quote.upper()}." if "amount" in last else f"Sorry: {last.get('error')}."
    return {"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": text}]}


def chat(messages):
    with span(f"chat {MODEL}", {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
                                "gen_ai.request.model": MODEL}) as s:
        time.sleep(STEP_DELAY)
        output = scripted_model(messages)
        s.set_attribute("gen_ai.system_instructions", json.dumps([{"type": "text", "content": SYSTEM}]))
        s.set_attribute("gen_ai.input.messages", json.dumps(messages))
        s.set_attribute("gen_ai.output.messages", json.dumps([output]))
        s.set_attribute("gen_ai.response.model", MODEL + "-2024-07-18")
        s.set_attribute("gen_ai.response.finish_reasons", [output["finish_reason"]])
        s.set_attribute("gen_ai.usage.input_tokens", tokens(messages) + tokens(SYSTEM))
        s.set_attribute("gen_ai.usage.output_tokens", tokens(output))
        return output


def run_tool(call):
    attrs = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": call["name"], "gen_ai.tool.type": "function",
             "gen_ai.tool.call.id": call["id"], "gen_ai.tool.call.arguments": json.dumps(call["arguments"])}
    try:
        with span(f"execute_tool {call['name']}", attrs) as s:
            time.sleep(STEP_DELAY / 2)
            result = TOOLS[call["name"]](**call["arguments"])
            s.set_attribute("gen_ai.tool.call.result", json.dumps(result))
            return result
    except LookupError as e:
        return {"error": str(e)}


def main():
    question = " ".join(a for a in sys.argv[1:] if not a.startswith("--")) or "Convert 120 EUR to USD"
    with span("invoke_agent currency-assistant", {"gen_ai.operation.name": "invoke_agent",
                                                  "gen_ai.agent.name": "currency-assistant",
                                                  "gen_ai.provider.name": "openai", "gen_ai.request.model": MODEL}):
        messages = [{"role": "user", "parts": [{"type": "text", "content": question}]}]
        for _ in range(4):
            reply = chat(messages)
            messages.append(reply)
            calls = [p for p in reply["parts"] if p["type"] == "tool_call"]
            if not calls:
                print(reply["parts"][0]["content"])
                break
            for call in calls:
                messages.append({"role": "tool", "parts": [{"type": "tool_call_response", "id": call["id"], "response": run_tool(call)}]})
    shutdown()


if __name__ == "__main__":
    main()
