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


def with_unit(value: float | None, unit: str, decimals: int | None = None) -> str:
    if value is None:
        return "uppgift saknas"
    if unit.strip().lower() in COUNT_UNITS:
        return swedish_number(value, decimals)
    return f"{swedish_number(value, decimals)}{NBSP}{unit}"


def decimals_of(value: float) -> int:
    """How many decimals ``value`` needs, at most two ('76,1' needs one, '7,0' none)."""
    text = f"{value:.2f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def figure_decimals(figure) -> int:
    """One rule per key figure, for table, chart and text alike: as many decimals as its most
    precise value, so '77' beside '76,1' is written '77,0'."""
    values = [v for v in figure.values.values() if v is not None]
    if figure.target is not None:
        values.append(figure.target)
    return max((decimals_of(v) for v in values), default=0)
