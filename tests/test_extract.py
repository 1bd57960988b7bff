"""Extraction, field by field and attribution form by form, on sentences written for these tests."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import crosstally
from crosstally.model import Claim, Measure, Modality, Qualifier
from tests.conftest import one


@pytest.mark.parametrize("sentence, quote, measure", [
    ("At least 40 villagers were killed when the bridge collapsed.", "At least 40", "killed"),
    ("Some 75 passengers were injured in the crash.", "Some 75", "injured"),
    ("Rebels captured 30 soldiers near the border.", "30", "captured"),
    ("About 12 fishermen remain missing after the storm.", "About 12", "missing"),
    ("More than 3,500 residents fled their homes as the fire spread.", "More than 3,500", "displaced"),
    ("Police arrested 64 demonstrators on Friday.", "64", "arrested"),
    ("Crews evacuated 312 patients from the hospital.", "312", "evacuated"),
    ("Divers rescued 18 miners from the flooded shaft.", "18", "rescued"),
    ("Nearly 900 workers were infected in the outbreak.", "Nearly 900", "infected"),
    ("An estimated 50,000 people took part in the march.", "An estimated 50,000", "attended"),
    ("The earthquake destroyed 1,200 homes in the valley.", "1,200", "destroyed"),
    ("The floods have affected 2 million people across the region.", "2 million", "affected"),
])
def test_measure(extract, sentence, quote, measure):
    assert one(extract(sentence), quote).measure is Measure(measure)


def test_values_words_and_offsets(extract):
    text = "Four hundred and ninety-eight soldiers died, and 1.5 million people fled, the army said."
    claims = extract(text)
    assert one(claims, "Four hundred and ninety-eight").value == 498
    fled = one(claims, "1.5 million")
    assert fled.value == 1_500_000 and fled.measure is Measure.DISPLACED
    for c in claims:
        assert text[c.start:c.end] == c.quote
        assert c.sentence == text


def test_qualifier_interval(extract):
    claims = extract("More than 2,870 troops were killed and almost 6,000 were wounded, the general said.")
    killed = one(claims, "More than 2,870")
    assert (killed.qualifier, killed.low, killed.high) == (Qualifier.MORE_THAN, 2870, None)
    wounded = one(claims, "almost 6,000")
    assert (wounded.qualifier, wounded.low, wounded.high) == (Qualifier.ALMOST, None, 6000)


def test_range(extract):
    c = one(extract("Organisers estimated the crowd at between 50,000 and 70,000."), "between 50,000 and 70,000")
    assert (c.qualifier, c.low, c.high, c.value, c.measure) == (Qualifier.RANGE, 50000, 70000, 70000, Measure.ATTENDED)
    assert c.claimant == "Organisers"


def test_counted_group(extract):
    claims = extract("The army said 210 Ukrainian civilians had been killed and 95 others wounded, "
                     "while 40 others were captured.")
    assert one(claims, "210").who == "Ukrainian civilians"
    assert one(claims, "40").who == "Ukrainian civilians"
    assert one(extract("Officials said 150 troops were killed."), "150").who == "soldiers"


def test_non_claims(extract):
    text = ("The siege began on 3 May 2021 and lasted 40 days. A 12-year-old boy was among those "
            "treated. Damage was put at $30 million, and 45% of homes lost power at 9 p.m.")
    assert extract(text) == []


@pytest.mark.parametrize("sentence, claimant", [
    ("Officials said 25 people were killed in the blast.", "Officials"),
    ("Twenty-five people were killed in the blast, said Governor Ana Ruiz.", "Ana Ruiz"),
    ("Twenty-five people were killed in the blast, according to the Red Cross.", "Red Cross"),
    ("Hospital director Omar Said's claim that 25 people were killed was disputed.", "Omar Said"),
    ("The health ministry reported that 25 people had been killed.", "health ministry"),
    ("The interior ministry announced that 25 people had been killed.", "interior ministry"),
    ("Interior Ministry spokesman Pavel Orlov said 25 people had been killed.", "Pavel Orlov"),
])
def test_attribution_forms(extract, sentence, claimant):
    assert one(extract(sentence), next(q for q in ("25", "Twenty-five") if q in sentence)).claimant == claimant


def test_quote_attributed_after_it(extract):
    text = '"We have counted 63 dead so far. The search goes on," regional governor Lena Park told reporters.'
    assert one(extract(text), "63").claimant == "Lena Park"


def test_pronoun_refers_back(extract):
    text = ("Fire chief Marta Lind visited the site on Tuesday.\n\n"
            "She said 14 firefighters had been injured.")
    assert one(extract(text), "14").claimant == "Marta Lind"


def test_pronoun_refers_back_past_a_sentence(extract):
    text = ("Floods hit the region on Sunday.\n\n"
            "The Interior Ministry said rescuers were searching the coast. "
            "Teams from three provinces joined them. It put the toll at 40 dead.")
    assert one(extract(text), "40").claimant == "Interior Ministry"


def test_description_refers_back(extract):
    text = ("Zambia's Ministry of Health issued a statement on Monday.\n\n"
            "The ministry said 230 people had been infected.")
    assert "Ministry of Health" in one(extract(text), "230").claimant


def test_own_voice_is_null(extract):
    assert one(extract("Thirty people died in the fire."), "Thirty").claimant is None


def test_relay(extract):
    c = one(extract("The defence ministry said 80 soldiers had been killed, the Kyodo news agency reported."), "80")
    assert c.claimant == "defence ministry" and c.via == "Kyodo news agency"
    c = one(extract("Police said 12 people had been arrested, according to Reuters."), "12")
    assert c.claimant == "Police" and c.via == "Reuters"


def test_modality(extract):
    assert one(extract("The UN said the number of refugees could soon hit 2 million."), "2 million").modality \
        is Modality.PROJECTED
    denied = one(extract("The army denied reports that 300 soldiers had been captured."), "300")
    assert denied.modality is Modality.DENIED and denied.claimant == "army"
    assert one(extract("Officials said 20 people were killed."), "20").modality is Modality.ASSERTED


def test_headline(extract):
    text = "Quake kills 90 in mountain villages: Red Cross\n\nAt least 88 people died, officials said.\n"
    claims = extract(text)
    head = one(claims, "90")
    assert head.in_headline and head.claimant == "Red Cross"
    assert not one(claims, "At least 88").in_headline
    assert one(crosstally.extract("Flood kills 12\n\nTwelve died.", title="Flood kills 12"), "12").in_headline


def test_public_api_returns_typed_claims():
    claims = crosstally.extract("Officials said 25 people were killed in the blast.")
    assert claims and all(isinstance(c, Claim) for c in claims)
    d = claims[0].to_dict()
    assert list(d) == ["article", "quote", "sentence", "start", "end", "value", "low", "high", "qualifier",
                       "measure", "who", "claimant", "via", "modality", "in_headline"]
    assert Claim.from_dict(d) == claims[0]


def test_spacy_component_sets_doc_claims():
    from crosstally.extractor.pipeline import build_pipeline

    nlp = build_pipeline()
    assert "crosstally_claims" in nlp.pipe_names
    doc = nlp("Officials said 25 people were killed in the blast.")
    assert [c.quote for c in doc._.claims] == ["25"]
    assert doc._.claims[0].claimant == "Officials"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
       | st.lists(st.sampled_from(["killed", "said", "more than", "12", "1,500", "officials", ".", "\n",
                                   "“", "”", "about", "between", "and", "people", "Ms.", "two"]), max_size=40)
       .map(" ".join))
def test_never_raises_and_offsets_slice_to_quotes(extract, text):
    for c in extract(text):
        assert text[c.start:c.end] == c.quote
        assert c.low is None or c.low <= c.value
        assert c.high is None or c.value <= c.high


def test_group_named_inside_a_toll(extract):
    text = "The observatory said the number of dead among Syrian forces was 312."
    assert one(extract(text), "312").who == "Syrian soldiers"
    assert one(extract("The mayor said the toll among civilians rose to 40."), "40").who == "civilians"
