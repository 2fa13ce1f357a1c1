"""The planner's tools: deterministic, so the example gives the same trace every run."""

TOOLS = {}


def tool(fn=None, *, name=None):
    """Registers a tool under its function name, or under `name` when the model knows it by another."""
    def register(f):
        TOOLS[name or f.__name__] = f
        return f
    return register(fn) if fn else register


@tool
def get_weather(city: str) -> dict:
    forecast = {"lisbon": (21, "sunny"), "porto": (17, "cloudy"), "oslo": (3, "snow")}
    temp, sky = forecast.get(city.lower(), (15, "unknown"))
    return {"city": city, "temp_c": temp, "sky": sky}


@tool(name="find_museums")
def search_museums(city: str) -> list:
    return [f"{city} Museum of Art", f"{city} Maritime Museum"]


@tool
def convert_currency(amount: float, to: str) -> float:
    rates = {"USD": 1.08, "GBP": 0.85}
    if to not in rates:
        raise ValueError(f"no exchange rate for {to}")
    return round(amount * rates[to], 2)
