"""Key figures in words: the trend sentence and the chart's text alternative."""

from flows.render.charts import chart_alt, chart_svg, trend_sentence
from schemas import GOALS, KeyFigure


def figure(values, unit="%", **extra):
    return KeyFigure.model_validate({"namn": "Andelen", "enhet": unit, "värden": values, **extra})


def test_increase_in_swedish_numbers():
    assert trend_sentence(figure({2021: 12, 2023: 13.5, 2025: 15})) == (
        "Andelen har ökat från 12\u00a0% 2021 till 15\u00a0% 2025."
    )


def test_decrease_with_direction_says_whether_it_is_good():
    sentence = trend_sentence(figure({2021: 8.25, 2025: 6.5}, riktning="lägre"))
    assert sentence == (
        "Andelen har minskat från 8,25\u00a0% 2021 till 6,5\u00a0% 2025. Utvecklingen går åt rätt håll."
    )


def test_missing_values_are_skipped_not_zero():
    sentence = trend_sentence(figure({2021: None, 2022: 4, 2025: 5}))
    assert "från 4\u00a0% 2022" in sentence
    assert "2021: uppgift saknas" in chart_alt(figure({2021: None, 2022: 4}))
    assert "saknas" in chart_svg(figure({2021: None, 2022: 4}), GOALS[16])


def test_counts_read_without_unit():
    assert trend_sentence(figure({2021: 1200, 2025: 1500}, unit="antal")) == (
        "Andelen har ökat från 1\u00a0200 2021 till 1\u00a0500 2025."
    )


def test_alt_text_lists_every_value_and_the_target():
    alt = chart_alt(figure({2024: 1.5, 2025: 2}, målvärde=3))
    assert "2024: 1,5\u00a0%" in alt and "2025: 2\u00a0%" in alt and "Målvärde: 3\u00a0%" in alt
