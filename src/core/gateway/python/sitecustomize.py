# Loaded by Python at start-up (the launcher puts this folder on PYTHONPATH): urllib calls to a known
# provider URL (AGENT_DEBUGGER_GATEWAY_ROUTES: {"https://api.openai.com/v1": "<gateway base URL>"})
# go to the Agent Debugger LLM gateway instead, for agents that hard-code the URL. Never raises.
import json
import os

try:
    _routes = sorted(json.loads(os.environ.get("AGENT_DEBUGGER_GATEWAY_ROUTES", "{}")).items(), key=lambda r: -len(r[0]))
except ValueError:
    _routes = []


def _reroute(url):
    for prefix, target in _routes:
        if url == prefix or url.startswith(prefix.rstrip("/") + "/") or url.startswith(prefix + "?"):
            return target.rstrip("/") + url[len(prefix.rstrip("/")):]
    return url


if _routes and os.environ.get("AGENT_DEBUGGER_GATEWAY_PRELOAD") != "0":
    import urllib.request

    _open = urllib.request.OpenerDirector.open

    def _open_rerouted(self, fullurl, data=None, *args, **kwargs):
        if isinstance(fullurl, str):
            fullurl = _reroute(fullurl)
        elif isinstance(fullurl, urllib.request.Request):
            rerouted = _reroute(fullurl.full_url)
            if rerouted != fullurl.full_url:
                fullurl.full_url = rerouted
                # The Host header follows the new URL (the gateway refuses a non-loopback Host).
                fullurl.remove_header("Host")
        return _open(self, fullurl, data, *args, **kwargs)

    urllib.request.OpenerDirector.open = _open_rerouted
