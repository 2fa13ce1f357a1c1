"""A travel-planning agent in plain Python that emits OpenTelemetry traces over OTLP/HTTP JSON with
the standard library only (the exporter of ../python-stdlib-agent): tools in tools.py, the system prompt
template in prompts/planner.txt, the agent in planner.py.

    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 python3 examples/travel-agent-py/agent.py
"""
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent / "python-stdlib-agent"))
from otlp_stdlib import Tracer  # noqa: E402
from planner import TravelPlanner  # noqa: E402


def main():
    tracer = Tracer("travel-agent-py", "travel-agent-py")
    answer = TravelPlanner(tracer).run("Ada", "Lisbon", " ".join(sys.argv[1:]) or "Plan my Saturday in Lisbon, prices in JPY please.")
    tracer.shutdown()
    print(answer)


if __name__ == "__main__":
    main()
