"""The agent: a scripted stand-in for a model (no network, no API key) that calls the tools the way a
real tool-calling model would, traced with the GenAI semantic conventions."""
import json
import time
from pathlib import Path

from tools import TOOLS

PROMPT = (Path(__file__).parent / "prompts" / "planner.txt").read_text()


class TravelPlanner:
    name = "TravelPlanner"
    model = "gpt-4o-mini"

    def __init__(self, tracer):
        self.tracer = tracer

    def run(self, traveler: str, city: str, question: str) -> str:
        system = PROMPT.format(traveler=traveler, city=city, max_words=150)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": question}]
        with self.tracer.span(f"invoke_agent {self.name}", {
            "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": self.name, "gen_ai.provider.name": "openai",
        }):
            calls = [("get_weather", {"city": city}), ("find_museums", {"city": city}), ("convert_currency", {"amount": 40, "to": "JPY"})]
            self.chat(messages, tool_calls=calls)
            results = []
            for i, (name, args) in enumerate(calls):
                results.append(self.call_tool(f"call_{i + 1}", name, args))
            answer = f"Plan for {traveler} in {city}: {json.dumps(results)}"
            self.chat(messages + [{"role": "tool", "content": json.dumps(results)}], answer=answer)
            return answer

    def chat(self, messages, tool_calls=(), answer=None):
        output = [{"role": "assistant", "parts": [{"type": "tool_call", "id": f"call_{i + 1}", "name": n, "arguments": a} for i, (n, a) in enumerate(tool_calls)]
                   or [{"type": "text", "content": answer}]}]
        inputs = [{"role": m["role"], "parts": [{"type": "text", "content": m["content"]}]} for m in messages]
        with self.tracer.span(f"chat {self.model}", {
            "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": self.model,
            "gen_ai.response.model": self.model, "gen_ai.input.messages": json.dumps(inputs),
            "gen_ai.output.messages": json.dumps(output),
            "gen_ai.usage.input_tokens": sum(len(m["content"]) for m in messages) // 4,
            "gen_ai.usage.output_tokens": len(json.dumps(output)) // 4,
        }):
            time.sleep(0.03)  # a model takes a while

    def call_tool(self, call_id, name, args):
        with self.tracer.span(f"execute_tool {name}", {
            "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name, "gen_ai.tool.call.id": call_id,
            "gen_ai.tool.call.arguments": json.dumps(args),
        }) as span:
            time.sleep(0.005)
            try:
                result = TOOLS[name](**args)
            except ValueError as error:
                span.record_error(error)
                return {"error": str(error)}
            span.set_attribute("gen_ai.tool.call.result", json.dumps(result))
            return result
