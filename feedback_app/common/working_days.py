"""The one place that counts working days: weekends and England & Wales bank holidays excluded."""
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

# Deadlines are council calendar days, whatever the server's clock zone.
COUNCIL_TIME_ZONE = ZoneInfo("Europe/London")


def council_today() -> date:
    """Today in England: deadlines run from this date."""
    return datetime.now(COUNCIL_TIME_ZONE).date()


@lru_cache(maxsize=64)
def _bank_holidays(year):
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (a received date that is not a working day counts from the next)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))
