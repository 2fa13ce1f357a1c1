"""A travel-planning agent in plain Python that emits OpenTelemetry traces over OTLP/HTTP JSON with
the standard library only: tools in tools.py, the system prompt template in prompts/planner.txt, the
agent in planner.py.

    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 python3 examples/travel-agent-py/agent.py
"""
import sys

from otlp import Tracer
from planner import TravelPlanner


def main():
    tracer = Tracer()
    answer = TravelPlanner(tracer).run("Ada", "Lisbon", " ".join(sys.argv[1:]) or "Plan my Saturday in Lisbon, prices in JPY please.")
    tracer.flush()
    print(answer)


if __name__ == "__main__":
    main()
