from hypothesis import given, strategies as st

from crosstally.extractor.numbers import find_figures, interval, number_to_words, parse_number
from crosstally.model import Qualifier


def quotes(text):
    return [(text[f.start:f.end], f.value, f.qualifier.value) for f in find_figures(text)]


def test_digits_words_and_scales():
    assert parse_number("2,870") == 2870
    assert parse_number("1.5 million") == 1_500_000
    assert parse_number("Six thousand") == 6000
    assert parse_number("four hundred and ninety-eight") == 498
    assert parse_number("one million") == 1_000_000
    assert parse_number("a thousand") == 1000
    assert parse_number("many") is None


def test_qualifiers_are_part_of_the_quote():
    text = "; ".join(f"{q} people" for q in (
        "about 10", "around 11", "some 12", "more than 13", "over 14", "at least 15", "almost 16",
        "nearly 17", "close to 18", "fewer than 19", "up to 20", "as high as 21", "exceeded 22",
        "no more than 23", "24"))
    got = {q: qual for q, _, qual in quotes(text)}
    assert got == {
        "about 10": "approximately", "around 11": "approximately", "some 12": "approximately",
        "more than 13": "more_than", "over 14": "more_than", "at least 15": "at_least",
        "almost 16": "almost", "nearly 17": "almost", "close to 18": "almost",
        "fewer than 19": "fewer_than", "up to 20": "at_most", "as high as 21": "at_most",
        "exceeded 22": "more_than", "no more than 23": "at_most", "24": "exact",
    }


def test_ranges():
    assert quotes("between 88,000 and 107,000 people") == [("between 88,000 and 107,000", 107000, "range")]
    assert quotes("from 20 to 30 people") == [("from 20 to 30", 30, "range")]
    assert quotes("200 or 300 people")[0][2] == "range"
    f = find_figures("between 20 and 30 died")[0]
    assert (f.low, f.high) == (20, 30)


def test_two_listed_figures_are_not_a_range():
    assert [q for q, _, _ in quotes("170 people were killed and 180 injured")] == ["170", "180"]


def test_non_counts_are_skipped():
    text = ("On 15 March 2025, in 2017, at 10 p.m. (1500 GMT), a five-year-old, aged 19, "
            "six days, 15 minutes, $5 million, 40%, 12 per cent, a 3-2 loss, COVID-19, 19:00, "
            "the 3rd round, „15 for 15”")
    assert quotes(text) == []


@given(st.integers(min_value=0, max_value=999_999_999))
def test_number_words_round_trip(n):
    assert parse_number(number_to_words(n)) == n


@given(st.integers(min_value=1, max_value=10**9))
def test_digits_with_separators_round_trip(n):
    assert parse_number(f"{n:,}") == n


@given(st.floats(min_value=1, max_value=1e9), st.sampled_from(list(Qualifier)))
def test_interval_contains_its_value(value, qualifier):
    low, high = interval(value, qualifier, low=value / 2 if qualifier is Qualifier.RANGE else None)
    assert low is None or low <= value
    assert high is None or value <= high
