"""Tracing with the standard library only: spans exported as OTLP/HTTP JSON with urllib.

Configured by the standard variables: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT
(+ /v1/traces), OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_SCHEDULE_DELAY. When the
OpenTelemetry SDK is installed, use it instead (see agent.py); this module is for machines without it.
"""
import atexit
import contextlib
import contextvars
import json
import os
import secrets
import sys
import threading
import time
import traceback
import urllib.parse
import urllib.request

_current = contextvars.ContextVar("current_span", default=None)


def _endpoint():
    traces = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if traces:
        return traces
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    return base.rstrip("/") + "/v1/traces"


def _resource(default_service):
    attrs = {}
    for pair in os.environ.get("OTEL_RESOURCE_ATTRIBUTES", "").split(","):
        if "=" in pair:
            key, value = pair.split("=", 1)
            attrs[key.strip()] = urllib.parse.unquote(value.strip())
    attrs["service.name"] = os.environ.get("OTEL_SERVICE_NAME") or attrs.get("service.name") or default_service
    attrs.setdefault("telemetry.sdk.language", "python")
    attrs.setdefault("process.pid", os.getpid())
    return attrs


def _any_value(v):
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, (list, tuple)):
        return {"arrayValue": {"values": [_any_value(x) for x in v]}}
    return {"stringValue": str(v)}


def _key_values(attrs):
    return [{"key": k, "value": _any_value(v)} for k, v in attrs.items() if v is not None]


class Span:
    def __init__(self, name, trace_id, parent_id, attributes, kind):
        self.name = name
        self.trace_id = trace_id
        self.span_id = secrets.token_hex(8)
        self.parent_id = parent_id
        self.attributes = dict(attributes or {})
        self.kind = kind
        self.events = []
        self.start = time.time_ns()
        self.end = None
        self.status = {"code": 0}

    def set_attribute(self, key, value):
        self.attributes[key] = value

    def record_error(self, error):
        self.status = {"code": 2, "message": str(error)}
        self.attributes["error.type"] = type(error).__name__
        # The stack trace lets Agent Debugger (and any backend) point at the failing line.
        self.events.append({"name": "exception", "timeUnixNano": str(time.time_ns()), "attributes": _key_values(
            {"exception.type": type(error).__name__, "exception.message": str(error),
             "exception.stacktrace": "".join(traceback.format_exception(type(error), error, error.__traceback__))})})

    def to_otlp(self):
        span = {"traceId": self.trace_id, "spanId": self.span_id, "name": self.name, "kind": self.kind,
                "startTimeUnixNano": str(self.start), "endTimeUnixNano": str(self.end),
                "attributes": _key_values(self.attributes), "events": self.events, "status": self.status}
        if self.parent_id:
            span["parentSpanId"] = self.parent_id
        return span


class Tracer:
    """Collects ended spans and posts them in batches from a background thread (and at exit)."""

    def __init__(self, scope, default_service):
        self.scope = scope
        self.resource = _resource(default_service)
        self.endpoint = _endpoint()
        self.delay = int(os.environ.get("OTEL_BSP_SCHEDULE_DELAY", "500")) / 1000
        self.pending = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.closed = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        atexit.register(self.shutdown)

    @contextlib.contextmanager
    def span(self, name, attributes=None, kind=1):
        parent = _current.get()
        s = Span(name, parent.trace_id if parent else secrets.token_hex(16), parent.span_id if parent else None, attributes, kind)
        token = _current.set(s)
        try:
            yield s
        except Exception as e:
            s.record_error(e)
            raise
        finally:
            _current.reset(token)
            s.end = time.time_ns()
            with self.lock:
                self.pending.append(s)

    def _loop(self):
        while not self.closed:
            self.wake.wait(self.delay)
            self.flush()

    def flush(self):
        with self.lock:
            batch, self.pending = self.pending, []
        if not batch:
            return
        body = {"resourceSpans": [{"resource": {"attributes": _key_values(self.resource)},
                                   "scopeSpans": [{"scope": {"name": self.scope, "version": "1.0.0"},
                                                   "spans": [s.to_otlp() for s in batch]}]}]}
        request = urllib.request.Request(self.endpoint, data=json.dumps(body).encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except Exception as e:  # the agent keeps working without a receiver
            print(f"otlp_stdlib: could not export {len(batch)} spans to {self.endpoint}: {e}", file=sys.stderr)

    def shutdown(self):
        if self.closed:
            return
        self.closed = True
        self.wake.set()
        self.thread.join(timeout=5)
        self.flush()
