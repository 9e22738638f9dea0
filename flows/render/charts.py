"""Key figures in words and pictures: a trend sentence and an SVG chart with a text alternative."""

import base64

from markupsafe import escape

from flows.render.numbers import figure_decimals, swedish_number, with_unit
from schemas import Goal, KeyFigure
from schemas.submission import Direction


def known_values(figure: KeyFigure) -> list[tuple[int, float]]:
    return sorted((year, value) for year, value in figure.values.items() if value is not None)


def trend_sentence(figure: KeyFigure) -> str:
    """'Andel … har ökat från 84,1 % år 2021 till 86,4 % år 2025.' Missing years are skipped.

    When the latest year went the other way than the whole period, the sentence says so, and
    the judgement of the direction (when the figure has one) says it too.
    """
    values = known_values(figure)
    decimals = figure_decimals(figure)

    def said(value: float) -> str:
        return with_unit(value, figure.unit, decimals)

    if not values:
        return f"{figure.name}: uppgifter saknas för alla år."
    (first_year, first), (last_year, last) = values[0], values[-1]
    if len(values) == 1:
        return f"{figure.name} var {said(last)} år {last_year}."
    if last == first:
        return f"{figure.name} är oförändrad: {said(last)} både år {first_year} och år {last_year}."
    rising = last > first
    sentence = (
        f"{figure.name} har {'ökat' if rising else 'minskat'} från {said(first)} år {first_year} "
        f"till {said(last)} år {last_year}."
    )
    previous_year, previous = values[-2]
    turned = len(values) > 2 and previous != last and (last > previous) != rising
    if turned:
        sentence += (
            f" Det senaste året {'minskade' if rising else 'ökade'} värdet, "
            f"från {said(previous)} år {previous_year}."
        )
    if figure.better:
        improving = rising == (figure.better is Direction.HIGHER)
        period = "rätt" if improving else "fel"
        if turned:
            latest = "fel" if improving else "rätt"
            sentence += (
                f" Över perioden går utvecklingen åt {period} håll, det senaste året åt {latest}."
            )
        else:
            sentence += f" Utvecklingen går åt {period} håll."
    return sentence


def chart_alt(figure: KeyFigure) -> str:
    """The chart's text alternative. The chart stands in one block with the key-figure table
    that holds every value, so the alternative says what the chart shows and points there,
    instead of reading the numbers out a second time."""
    years = sorted(figure.values)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}" if years else ""
    target = ", med målvärdet som en streckad linje" if figure.target is not None else ""
    missing = [str(year) for year in years if figure.values[year] is None]
    gap = f" {', '.join(missing)}: uppgift saknas." if missing else ""
    return (
        f"Stapeldiagram över {figure.name[:1].lower()}{figure.name[1:]} per år {span}{target}."
        f"{gap} Värdena står i tabellen Nyckeltal ovanför diagrammet."
    )


WIDTH, HEIGHT = 480, 150
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 22, 30


def chart_svg(figure: KeyFigure, goal: Goal) -> str:
    """A column chart of the yearly values; a dashed line marks the target when there is one.

    Values are written inside the bars (in the goal's text colour) where they fit, so a
    target line just above the bars never runs through them.
    """
    colour = goal.colour
    decimals = figure_decimals(figure)
    years = sorted(figure.values)
    values = [v for v in figure.values.values() if v is not None]
    ceiling = max(values + ([figure.target] if figure.target is not None else []) + [0]) or 1
    floor = min(values + [0])
    span = (ceiling - floor) * 1.12 or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(years)
    bar = min(44, step * 0.6)

    def y(value: float) -> float:
        return TOP + plot_h - (value - floor) / span * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" font-family="Source Sans Pro" font-size="12">',
        f'<line x1="{LEFT}" y1="{y(floor):.1f}" x2="{WIDTH - RIGHT}" y2="{y(floor):.1f}" '
        'stroke="#555" stroke-width="1"/>',
    ]
    # The target line goes first: bars and their labels are drawn over it.
    if figure.target is not None:
        ty = y(figure.target)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="#1a1a1a" '
            'stroke-width="1.2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{LEFT - 4}" y="{ty + 4:.1f}" text-anchor="end" fill="#1a1a1a">Mål</text>'
        )
    for i, year in enumerate(years):
        centre = LEFT + step * (i + 0.5)
        value = figure.values[year]
        parts.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - 10}" text-anchor="middle" fill="#333">{year}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{centre:.1f}" y="{y(floor) - 6:.1f}" text-anchor="middle" '
                'fill="#555">saknas</text>'
            )
            continue
        top = y(max(value, 0))
        height = abs(y(value) - y(0)) if floor < 0 else y(floor) - top
        parts.append(
            f'<rect x="{centre - bar / 2:.1f}" y="{top:.1f}" width="{bar:.1f}" '
            f'height="{max(height, 0.5):.1f}" fill="{colour}" stroke="#1a1a1a" stroke-width="0.8"/>'
        )
        inside = height > 22
        label_y, label_colour = (top + 16, goal.text_colour) if inside else (top - 5, "#1a1a1a")
        parts.append(
            f'<text x="{centre:.1f}" y="{label_y:.1f}" text-anchor="middle" '
            f'fill="{label_colour}">{escape(swedish_number(value, decimals))}</text>'
        )
    parts.append(f'<text x="{LEFT}" y="12" fill="#333">{escape(figure.unit)}</text></svg>')
    return "".join(parts)


def chart_data_uri(figure: KeyFigure, goal: Goal) -> str:
    """The chart as an image URL, so it is tagged as a Figure with the alt text of an <img>."""
    svg = chart_svg(figure, goal).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
