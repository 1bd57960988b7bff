"""Calendar dates as pages print them."""
from datetime import date

import pytest

from crosstally.dates import date_line, latest_mentioned, parse_date


@pytest.mark.parametrize("text, day", [
    ("2023-09-16", date(2023, 9, 16)),
    ("16 September 2023", date(2023, 9, 16)),
    ("Sept. 16, 2023", date(2023, 9, 16)),
    ("October 2nd, 2022", date(2022, 10, 2)),
    ("30 February 2023", None),
    ("September 16", None),  # no year: not a date on its own
])
def test_parse_date(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text, day", [
    ("The quake struck on 8 September 2023. Rescuers dug through Sunday, September 10.", date(2023, 9, 10)),
    ("Talks will resume on 5 March 2026. The war began on 24 February 2022.", date(2022, 2, 24)),
    ("The deadline is 30 June 2025, after a vote held on 2 June 2025.", date(2025, 6, 2)),
    ("Only a year, 2023, and a month, March.", None),
])
def test_latest_mentioned_is_the_last_day_reported_as_past(text, day):
    assert latest_mentioned(text) == day


def test_date_line_tells_publication_from_update():
    assert date_line("Published 2 June 2024 10:15") == (date(2024, 6, 2), True)
    assert date_line("Last updated: Monday, June 3, 2024") == (date(2024, 6, 3), False)
    assert date_line("June 3, 2024 was the day the river rose over the old town walls and flooded it.") is None
