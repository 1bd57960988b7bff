"""Property tests (hypothesis) for the parts every figure passes through: numbers, qualifiers and
their intervals, sentence bounds, and extraction on arbitrary Unicode."""
from __future__ import annotations

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from crosstally.clean.layout import MAX_SENTENCE, cap_sentence
from crosstally.extractor.numbers import MAX_VALUE, find_figures, interval, number_to_words, parse_number
from crosstally.model import Qualifier
from crosstally.store.postgres import translate
from crosstally.stories.compare import interval as comparison_interval

COUNTS = st.integers(min_value=1, max_value=int(MAX_VALUE) - 1)
# Words that set each qualifier before a figure, as reporters write them.
QUALIFIER_WORDS = {Qualifier.EXACT: "", Qualifier.APPROXIMATELY: "about ", Qualifier.MORE_THAN: "more than ",
                   Qualifier.AT_LEAST: "at least ", Qualifier.ALMOST: "nearly ", Qualifier.FEWER_THAN: "fewer than ",
                   Qualifier.AT_MOST: "up to "}


@given(COUNTS)
def test_numbers_round_trip_as_words_digits_and_separated_digits(n):
    assert parse_number(number_to_words(n)) == n
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=int(MAX_VALUE), max_value=10**400))
def test_no_count_reaches_a_trillion(n):
    assert parse_number(str(n)) is None
    assert find_figures(f"Officials said {n} people were killed.") == []


@given(st.integers(min_value=2, max_value=999_999), st.sampled_from(sorted(QUALIFIER_WORDS, key=str)),
       st.booleans())
@example(33_900, Qualifier.ALMOST, True)  # "thirty-three thousand" is one numeral, not "thirty" to "three thousand"
def test_a_figure_in_a_sentence_keeps_its_value_and_qualifier(n, qualifier, in_words):
    number = number_to_words(n) if in_words else f"{n:,}"
    text = f"Officials said {QUALIFIER_WORDS[qualifier]}{number} people were killed."
    figures = find_figures(text)
    assert len(figures) == 1
    f = figures[0]
    assert (f.value, f.qualifier) == (n, qualifier)
    assert text[f.start:f.end] == QUALIFIER_WORDS[qualifier] + number


@given(st.floats(min_value=1, max_value=1e11, allow_nan=False), st.sampled_from(list(Qualifier)),
       st.floats(min_value=0.01, max_value=1))
def test_intervals_hold_their_value(value, qualifier, share):
    low_words = value * share if qualifier is Qualifier.RANGE else None
    low, high = interval(value, qualifier, low=low_words)  # what the words state
    assert low is None or low <= value
    assert high is None or value <= high
    assert low is None or high is None or low <= high
    # What a careful reader takes the words to allow: the exact value inside, unless the words
    # exclude it ("more than 40" is not 40), and never an empty interval.
    span = comparison_interval(value, qualifier, low_words)
    assert span.low <= span.high
    if qualifier is Qualifier.MORE_THAN:
        assert span.low == value and span.low_open
    elif qualifier is Qualifier.FEWER_THAN:
        assert span.high == value and span.high_open
    else:
        assert span.low <= value <= span.high


# Text as the web delivers it: any Unicode, and fragments of news prose mixed with the characters
# that break naive code (zero-width, bidi controls, combining marks, long digit runs, NUL).
HOSTILE_PIECES = ["killed", "said", "more than", "12", "1,500", "officials", ".", "\n", "“", "”", "about",
                  "between", "and", "people", "Ms.", "two", "\u200b", "\u202e", "\u2067", "\u200f", "\ufeff",
                  "\u0301", "٣", "1" * 40, "9" * 400, "\x00", "\r\n", "\t", "—", "’s", "million", "🔥"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400)
       | st.lists(st.sampled_from(HOSTILE_PIECES), max_size=60).map(" ".join)
       | st.lists(st.sampled_from(HOSTILE_PIECES), max_size=60).map("".join))
def test_extraction_never_raises_and_every_offset_slices_its_quote(extract, text):
    for c in extract(text):
        assert text[c.start:c.end] == c.quote
        assert c.quote in c.sentence
        assert 0 < c.value < MAX_VALUE
        assert c.low is None or c.low <= c.value
        assert c.high is None or c.value <= c.high


@given(st.text(alphabet=st.sampled_from("ab ,;:—\n."), min_size=0, max_size=5000))
def test_long_sentences_are_cut_into_bounded_pieces_in_order(text):
    pieces = cap_sentence(text, 0, len(text))
    assert all(0 < e - s <= MAX_SENTENCE for s, e in pieces)
    assert all(a[1] <= b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    kept = "".join(text[s:e] for s, e in pieces)
    assert "".join(kept.split()) == "".join(text.split())  # nothing but whitespace is lost


@given(st.lists(st.sampled_from(["?", "%", "'", '"', "a", " ", "x?y"]), max_size=30).map("".join))
def test_postgresql_placeholders_outside_quotes_only(sql):
    assume(sql.count("'") % 2 == 0 and sql.count('"') % 2 == 0)
    out = translate(sql)
    assert out.replace("%s", "?").replace("%%", "%") == sql
    assert out.count("%s") == sum(1 for i, ch in enumerate(sql) if ch == "?" and _outside_quotes(sql, i))


def _outside_quotes(sql: str, at: int) -> bool:
    quote = None
    for ch in sql[:at]:
        if quote is None and ch in "'\"":
            quote = ch
        elif ch == quote:
            quote = None
    return quote is None
