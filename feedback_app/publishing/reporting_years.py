"""Reporting years: which year a date belongs to, given the council's chosen start month, and their labels."""
from datetime import date, timedelta

from flask import current_app

# Years offered when choosing an entry's reporting year: this many before the current one.
YEARS_BACK = 5


def configured_start_month():
    return current_app.config["REPORTING_YEAR_START_MONTH"]


def reporting_year_for(day, start_month):
    """The calendar year the reporting year holding `day` starts in (start_month 9: 1 Sep 2026 → 2026)."""
    return day.year if day.month >= start_month else day.year - 1


def derive_reporting_year(days, start_month):
    """The reporting year of the latest of `days` (the newest comment decides), or None when there are none."""
    days = [day for day in days if day is not None]
    return reporting_year_for(max(days), start_month) if days else None


def year_bounds(year, start_month):
    """The first and last day of a reporting year."""
    first = date(year, start_month, 1)
    return first, date(year + 1, start_month, 1) - timedelta(days=1)


def year_label(year, start_month):
    """'2026 to 2027' (GOV.UK style for a span), or just '2026' when years run January to December."""
    return str(year) if start_month == 1 else f"{year} to {year + 1}"


def year_long_label(year, start_month):
    first, last = year_bounds(year, start_month)
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def year_choices(today, start_month, also=()):
    """(year, label) pairs, newest first: the last few years, the current one, and any in `also`."""
    current = reporting_year_for(today, start_month)
    years = set(range(current - YEARS_BACK, current + 1)) | {year for year in also if year is not None}
    return [(year, year_label(year, start_month)) for year in sorted(years, reverse=True)]
