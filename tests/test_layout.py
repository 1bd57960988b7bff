import pytest

from crosstally.clean.layout import layout, split_sentences

PAGE = """Download
Flood toll rises to 40 in coastal town
Newsroom
A rescue boat on a flooded road. /Pool Photo

Forty people have died, officials said on Monday. Mr. Ortiz said 12 more were missing.

READ MORE
Storm season: what to expect
Ten things to pack

Source(s): AP ,AFP

Share
"""


def test_title_furniture_and_credits():
    lay = layout(PAGE)
    assert lay.title == "Flood toll rises to 40 in coastal town"
    furniture = [PAGE[s:e] for s, e, _ in lay.furniture]
    assert "Download" in furniture and "Share" in furniture
    assert "Storm season: what to expect" in furniture and "Ten things to pack" in furniture
    assert lay.credits == ("AP", "AFP")
    texts = [lay.sentence_text(s) for s in lay.sentences]
    assert "Ten things to pack" not in texts
    assert "Mr. Ortiz said 12 more were missing." in texts


def test_offsets_point_into_the_text_as_ingested():
    lay = layout(PAGE)
    for s in lay.sentences:
        assert PAGE[s.start:s.end] == lay.sentence_text(s)
        assert PAGE[s.start:s.end].strip() == PAGE[s.start:s.end]


def test_date_prefix_is_metadata():
    lay = layout(" date 2024-05-01 Forty people died in the flood, police said.\n")
    assert lay.date == "2024-05-01"
    assert lay.sentence_text(lay.sentences[0]).startswith("Forty")


@pytest.mark.parametrize("line, day", [
    ("Published October 2nd, 2022 - 11:46 GMT", "2022-10-02"),
    ("Mar 02, 2022  \u2022  49 minutes ago  \u2022  < 1 minute read", "2022-03-02"),
    ("Sun 2 Oct 2022 09.15 BST", "2022-10-02"),
    ("First published on Tuesday, 14 May 2024", "2024-05-14"),
])
def test_a_date_line_near_the_top_is_the_article_date(line, day):
    text = f"Flood toll rises to 40 in coastal town\n{line}\nForty people have died, officials said.\n"
    lay = layout(text)
    assert lay.date == day
    assert lay.title == "Flood toll rises to 40 in coastal town"
    assert (text.index(line), text.index(line) + len(line), "date") in lay.furniture
    assert [lay.sentence_text(s) for s in lay.sentences if not s.in_title] == ["Forty people have died, officials said."]


def test_publication_date_wins_over_an_update_line():
    lay = layout("Updated: 3 June 2024\nPublished: 1 June 2024\nForty people have died, officials said.\n")
    assert lay.date == "2024-06-01"
    assert layout("Updated: 3 June 2024\nForty people have died, officials said.\n").date == "2024-06-03"


@pytest.mark.parametrize("text", [
    "Forty people have died, officials said.\n" * 7 + "Published 1 June 2024\n",  # far below the top
    "March 1, 2022 was the day the river rose over the old town walls and into the square.\n",  # prose
    "March 1, 2022 Jane Roe/Reuters\nForty people have died, officials said.\n",  # a photo credit
])
def test_other_lines_that_open_with_a_date_are_not_the_article_date(text):
    assert layout(text).date is None


def test_no_title_when_the_first_line_is_prose():
    lay = layout("Forty people died in the flood, police said.\nRescuers kept searching.\n")
    assert lay.title is None


def test_sentences_respect_abbreviations_and_glued_quotes():
    text = 'Maj. Gen. Ruiz spoke in the U.S. capital. He called it “a lie”.Officials disagreed.'
    spans = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    assert spans == ["Maj. Gen. Ruiz spoke in the U.S. capital.", "He called it “a lie”.", "Officials disagreed."]
