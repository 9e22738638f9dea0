"""The 17 goals: official names, colours, and readable text on each colour."""

from schemas import GOALS
from schemas.goals import contrast_ratio


def test_seventeen_goals_numbered_in_order():
    assert [g.number for g in GOALS] == list(range(1, 18))


def test_goal_titles_use_official_swedish_names():
    assert GOALS[0].title == "Mål 1 Ingen fattigdom"
    assert GOALS[16].title == "Mål 17 Genomförande och globalt partnerskap"
    assert GOALS[5].name == "Rent vatten och sanitet för alla"


def test_official_colours():
    assert GOALS[0].colour == "#E5243B"
    assert GOALS[16].colour == "#19486A"
    assert len({g.colour for g in GOALS}) == 17


def test_text_on_every_goal_colour_meets_wcag_aa():
    for goal in GOALS:
        assert contrast_ratio(goal.colour, goal.text_colour) >= 4.5, goal.title


def test_light_colours_get_dark_text():
    assert GOALS[6].text_colour == "#1A1A1A"  # Mål 7, yellow
    assert GOALS[16].text_colour == "#FFFFFF"  # Mål 17, dark blue
