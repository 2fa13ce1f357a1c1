"""The agent's tools: plain functions the scripted model can call by name."""

RATES = {("EUR", "USD"): 1.08, ("USD", "EUR"): 0.93, ("GBP", "EUR"): 1.17, ("EUR", "JPY"): 162.0}


def get_rate(base, quote):
    """Exchange rate base -> quote."""
    rate = RATES.get((base.upper(), quote.upper()))
    if rate is None:
        raise LookupError(f"no rate for {base}->{quote}")
    return {"base": base.upper(), "quote": quote.upper(), "rate": rate}


def convert(amount, rate):
    """amount * rate, rounded to cents."""
    return {"amount": round(amount * rate, 2)}


TOOLS = {"get_rate": get_rate, "convert": convert}
