# Loaded by Python at start-up (the launcher puts this folder first on PYTHONPATH): calls that urllib,
# httpx or requests send to a known provider URL (AGENT_DEBUGGER_GATEWAY_ROUTES:
# {"https://api.openai.com/v1": "<gateway base URL>"}) go to the Agent Debugger LLM gateway instead, for
# agents that hard-code the URL. Each library is patched when the agent imports it (nothing is imported
# early). The user's own sitecustomize, which this one hides, runs afterwards. Never raises.
import json
import os
import sys

try:
    _routes = sorted(json.loads(os.environ.get("AGENT_DEBUGGER_GATEWAY_ROUTES", "{}")).items(), key=lambda r: -len(r[0]))
except ValueError:
    _routes = []


def _reroute(url):
    for prefix, target in _routes:
        if url == prefix or url.startswith(prefix.rstrip("/") + "/") or url.startswith(prefix + "?"):
            return target.rstrip("/") + url[len(prefix.rstrip("/")):]
    return url


def _patch_urllib(module):
    opener_open = module.OpenerDirector.open

    def open_rerouted(self, fullurl, data=None, *args, **kwargs):
        if isinstance(fullurl, str):
            fullurl = _reroute(fullurl)
        elif isinstance(fullurl, module.Request):
            rerouted = _reroute(fullurl.full_url)
            if rerouted != fullurl.full_url:
                fullurl.full_url = rerouted
                # The Host header follows the new URL (the gateway refuses a non-loopback Host).
                fullurl.remove_header("Host")
        return opener_open(self, fullurl, data, *args, **kwargs)

    module.OpenerDirector.open = open_rerouted


def _patch_httpx(module):
    # Client.send, before the client picks a transport (and a proxy) for the URL: the gateway's is loopback.
    def rerouted(request):
        target = _reroute(str(request.url))
        if target != str(request.url):
            request.url = module.URL(target)
            netloc = request.url.netloc
            request.headers["Host"] = netloc.decode("ascii") if isinstance(netloc, bytes) else netloc
        return request

    client_send = module.Client.send
    async_send = module.AsyncClient.send

    def send(self, request, *args, **kwargs):
        return client_send(self, rerouted(request), *args, **kwargs)

    async def send_async(self, request, *args, **kwargs):
        return await async_send(self, rerouted(request), *args, **kwargs)

    module.Client.send = send
    module.AsyncClient.send = send_async


def _patch_requests(module):
    # The adapter sends every prepared request (Session.request and Session.send alike). Proxies were chosen
    # for the provider's host; none can reach the loopback gateway, so a rerouted call goes direct.
    adapter_send = module.adapters.HTTPAdapter.send

    def send(self, request, *args, **kwargs):
        target = _reroute(request.url)
        if target != request.url:
            request.url = target
            request.headers.pop("Host", None)
            kwargs["proxies"] = {}
        return adapter_send(self, request, *args, **kwargs)

    module.adapters.HTTPAdapter.send = send


_patches = {"urllib.request": _patch_urllib, "httpx": _patch_httpx, "requests": _patch_requests}


def _patch(name, module):
    try:
        _patches[name](module)
    except Exception as e:  # a library version we do not know: the agent runs unrouted, and says why
        print(f"agent-debugger: could not route {name} to the LLM gateway: {e!r}", file=sys.stderr)


class _PatchOnImport:
    """A meta path finder that lets the real finders load a patched library, then patches it."""

    def find_spec(self, name, path=None, target=None):
        if name not in _patches:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = _PatchingLoader(spec.loader, name)
                return spec
            if spec is not None:
                return spec
        return None


class _PatchingLoader:
    def __init__(self, loader, name):
        self._loader = loader
        self._name = name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _patch(self._name, module)

    def __getattr__(self, attr):  # resources, source: the real loader's
        return getattr(self._loader, attr)


def _chain_user_sitecustomize():
    # Python imports only the first sitecustomize on the path, and this one is first: run the next one.
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        # What `import sitecustomize` then finds (as if it had been first).
        sys.modules["sitecustomize"] = module
    except Exception as e:  # as site.py reports a broken sitecustomize, and carries on
        print(f"Error in sitecustomize; set PYTHONVERBOSE for traceback:\n{type(e).__name__}: {e}", file=sys.stderr)


if _routes and os.environ.get("AGENT_DEBUGGER_GATEWAY_PRELOAD") != "0":
    for _name in _patches:
        if _name in sys.modules:
            _patch(_name, sys.modules[_name])
    sys.meta_path.insert(0, _PatchOnImport())

_chain_user_sitecustomize()
