"""A tiny OpenTelemetry tracer that speaks OTLP/HTTP JSON with the standard library only.

For agents that cannot install the OpenTelemetry SDK. It reads the standard variables:
OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), OTEL_SERVICE_NAME and
OTEL_RESOURCE_ATTRIBUTES, and exports every span when the program calls flush().
"""
import contextlib
import json
import os
import secrets
import time
import traceback
import urllib.request


def _value(v):
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, (list, tuple)):
        return {"arrayValue": {"values": [_value(x) for x in v]}}
    return {"stringValue": v if isinstance(v, str) else json.dumps(v)}


def _attributes(d):
    return [{"key": k, "value": _value(v)} for k, v in d.items() if v is not None]


def _resource():
    attrs = {"service.name": os.environ.get("OTEL_SERVICE_NAME", "travel-agent-py")}
    for pair in filter(None, os.environ.get("OTEL_RESOURCE_ATTRIBUTES", "").split(",")):
        key, _, value = pair.partition("=")
        attrs[key.strip()] = urllib.parse.unquote(value.strip())
    return attrs


class Span:
    def __init__(self, name, trace_id, parent_id, attributes):
        self.name, self.trace_id, self.parent_id = name, trace_id, parent_id
        self.span_id = secrets.token_hex(8)
        self.attributes = dict(attributes)
        self.events, self.status = [], {}
        self.start = time.time_ns()
        self.end = None

    def set(self, key, value):
        self.attributes[key] = value

    def record_exception(self, error):
        self.events.append({
            "timeUnixNano": str(time.time_ns()), "name": "exception",
            "attributes": _attributes({
                "exception.type": type(error).__name__,
                "exception.message": str(error),
                "exception.stacktrace": "".join(traceback.format_exception(error)),
            }),
        })
        self.status = {"code": 2, "message": str(error)}

    def to_otlp(self):
        span = {
            "traceId": self.trace_id, "spanId": self.span_id, "name": self.name, "kind": 1,
            "startTimeUnixNano": str(self.start), "endTimeUnixNano": str(self.end),
            "attributes": _attributes(self.attributes), "events": self.events, "status": self.status,
        }
        if self.parent_id:
            span["parentSpanId"] = self.parent_id
        return span


class Tracer:
    def __init__(self, scope="travel-agent-py"):
        self.scope, self.finished, self.stack = scope, [], []
        self.trace_id = secrets.token_hex(16)

    @contextlib.contextmanager
    def span(self, name, **attributes):
        parent = self.stack[-1].span_id if self.stack else None
        s = Span(name, self.trace_id, parent, attributes)
        self.stack.append(s)
        try:
            yield s
        except Exception as error:
            s.record_exception(error)
            raise
        finally:
            s.end = time.time_ns()
            self.stack.pop()
            self.finished.append(s)

    def flush(self):
        base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318").rstrip("/")
        url = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", base + "/v1/traces")
        body = {"resourceSpans": [{
            "resource": {"attributes": _attributes(_resource())},
            "scopeSpans": [{"scope": {"name": self.scope}, "spans": [s.to_otlp() for s in self.finished]}],
        }]}
        request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        self.finished = []
