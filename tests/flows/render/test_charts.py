"""Key figures in words: the trend sentence and the chart's text alternative."""

import pytest

from flows.render.charts import chart_alt, chart_svg, trend_sentence
from flows.render.numbers import figure_decimals
from schemas import GOALS, KeyFigure


def figure(values, unit="%", **extra):
    return KeyFigure.model_validate({"namn": "Andelen", "enhet": unit, "värden": values, **extra})


NB = "\u00a0"


@pytest.mark.parametrize(
    ("values", "extra", "expected"),
    [
        (
            {2021: 12, 2023: 13.5, 2025: 15},
            {},
            f"Andelen har ökat från 12,0{NB}% år 2021 till 15,0{NB}% år 2025.",
        ),
        (
            {2021: 8.25, 2025: 6.5},
            {"riktning": "lägre"},
            f"Andelen har minskat från 8,25{NB}% år 2021 till 6,50{NB}% år 2025. "
            "Utvecklingen går åt rätt håll.",
        ),
        (
            {2021: 64, 2024: 75, 2025: 73},
            {"riktning": "högre"},
            f"Andelen har ökat från 64{NB}% år 2021 till 73{NB}% år 2025. "
            f"Det senaste året minskade värdet, från 75{NB}% år 2024. "
            "Över perioden går utvecklingen åt rätt håll, det senaste året åt fel.",
        ),
        (
            {2021: 9, 2024: 6, 2025: 7},
            {},
            f"Andelen har minskat från 9{NB}% år 2021 till "
            f"7{NB}% år 2025. Det senaste året ökade värdet, från 6{NB}% år 2024.",
        ),
        ({2021: 5, 2025: 5}, {}, f"Andelen är oförändrad: 5{NB}% både år 2021 och år 2025."),
        ({2025: 5}, {}, f"Andelen var 5{NB}% år 2025."),
        (
            {2021: None, 2022: 4, 2025: 5},
            {},
            f"Andelen har ökat från 4{NB}% år 2022 till 5{NB}% år 2025.",
        ),
        (
            {2021: 1200, 2025: 1500},
            {"unit": "antal"},
            f"Andelen har ökat från 1{NB}200 år 2021 till 1{NB}500 år 2025.",
        ),
    ],
)
def test_trend_sentences(values, extra, expected):
    unit = extra.pop("unit", "%")
    assert trend_sentence(figure(values, unit, **extra)) == expected


def test_one_decimals_rule_for_table_chart_and_text():
    key_figure = figure({2024: 76.1, 2025: 77}, målvärde=80)
    assert figure_decimals(key_figure) == 1
    assert f"77,0{NB}%" in trend_sentence(key_figure)
    assert ">77,0<" in chart_svg(key_figure, GOALS[16])


def test_missing_values_show_in_the_chart():
    assert "saknas" in chart_svg(figure({2021: None, 2022: 4}), GOALS[16])


def test_alt_text_names_the_chart_and_points_to_the_table():
    alt = chart_alt(figure({2024: 1.5, 2025: 2}, målvärde=3))
    assert alt.startswith("Stapeldiagram över andelen per år 2024–2025, med målvärdet")
    assert "tabellen" in alt
