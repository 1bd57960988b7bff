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


def test_no_title_when_the_first_line_is_prose():
    lay = layout("Forty people died in the flood, police said.\nRescuers kept searching.\n")
    assert lay.title is None


def test_sentences_respect_abbreviations_and_glued_quotes():
    text = 'Maj. Gen. Ruiz spoke in the U.S. capital. He called it “a lie”.Officials disagreed.'
    spans = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    assert spans == ["Maj. Gen. Ruiz spoke in the U.S. capital.", "He called it “a lie”.", "Officials disagreed."]
