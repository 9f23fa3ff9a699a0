"""Working days: weekends and England & Wales bank holidays."""
from datetime import date

from feedback_app.common.working_days import add_working_days, is_working_day, working_days_between


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 8, 31))  # summer bank holiday (England)
    assert is_working_day(date(2026, 11, 23))


def test_adding_working_days_skips_the_easter_weekend():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank holidays.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 3) == date(2026, 4, 9)


def test_a_weekend_received_date_counts_from_the_next_working_day():
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)


def test_working_days_between_is_signed():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 20)) == -1
