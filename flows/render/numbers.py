"""Numbers as Swedish readers expect them: '1 234,5 %'."""

NBSP = "\u00a0"


def swedish_number(value: float, decimals: int | None = None) -> str:
    """At most two decimals unless told; trailing zeros dropped; comma decimal point."""
    text = f"{value:,.{2 if decimals is None else decimals}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", NBSP).replace(".", ",").replace("-", "\u2212")


# Units that only say "a count of"; '229 antal' reads wrong, so they are left out in prose.
COUNT_UNITS = frozenset({"antal", "st", "st.", "stycken"})


def with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "uppgift saknas"
    if unit.strip().lower() in COUNT_UNITS:
        return swedish_number(value)
    return f"{swedish_number(value)}{NBSP}{unit}"
