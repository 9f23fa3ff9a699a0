"""Reporting years from a configurable start month, and small numbers suppressed wherever they are published."""
from datetime import date

import pytest

from feedback_app.publishing.reporting_years import (
    derive_reporting_year,
    reporting_year_for,
    year_bounds,
    year_choices,
    year_label,
    year_long_label,
)
from feedback_app.publishing.stats import format_count, published_number


@pytest.mark.parametrize("day,start_month,year", [
    (date(2026, 9, 1), 9, 2026), (date(2026, 8, 31), 9, 2025), (date(2027, 3, 31), 4, 2026),
    (date(2027, 4, 1), 4, 2027), (date(2026, 1, 1), 1, 2026), (date(2026, 12, 31), 1, 2026),
])
def test_the_reporting_year_of_a_date(day, start_month, year):
    assert reporting_year_for(day, start_month) == year


def test_the_newest_comment_decides_an_entrys_year():
    assert derive_reporting_year([date(2026, 8, 1), date(2026, 10, 1), None], 9) == 2026
    assert derive_reporting_year([date(2026, 8, 1)], 9) == 2025
    assert derive_reporting_year([], 9) is None


def test_labels_and_bounds():
    assert year_label(2026, 9) == "2026 to 2027"
    assert year_label(2026, 1) == "2026"
    assert year_bounds(2026, 4) == (date(2026, 4, 1), date(2027, 3, 31))
    assert year_long_label(2026, 9) == "1 September 2026 to 31 August 2027"
    choices = year_choices(date(2026, 11, 20), 9, also=[2019, None])
    assert choices[0] == (2026, "2026 to 2027") and choices[-1] == (2019, "2019 to 2020")


@pytest.mark.parametrize("count,text,number", [(0, "fewer than 5", None), (1, "fewer than 5", None),
                                               (4, "fewer than 5", None), (5, "5", 5), (1204, "1,204", 1204)])
def test_small_numbers_are_suppressed(app, count, text, number):
    assert format_count(count) == text
    assert published_number(count) == number


def test_the_threshold_comes_from_the_configuration(app):
    app.config["SMALL_NUMBER_THRESHOLD"] = 10
    try:
        assert format_count(9) == "fewer than 10"
        assert format_count(10) == "10"
    finally:
        app.config["SMALL_NUMBER_THRESHOLD"] = 5


def test_templates_can_use_the_same_rule(app):
    assert app.jinja_env.from_string("{{ 3 | published_count }} and {{ 7 | published_count }}").render() == \
        "fewer than 5 and 7"
