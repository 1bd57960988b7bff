"""Stories, canonical claimants, slots and conflicts, on articles written for these tests."""
from __future__ import annotations

import math

import pytest

from crosstally.dates import parse_date
from crosstally.model import Article, Claim, Measure, Modality, Qualifier
from crosstally.stories import analyse
from crosstally.stories.claimants import resolve
from crosstally.stories.compare import Interval, agree, interval
from crosstally.stories.grouping import Doc, copies, group, stories
from crosstally.stories.timeline import as_of, is_revision

# --- comparison intervals --------------------------------------------------------------------


@pytest.mark.parametrize("qualifier, value, low, high", [
    (Qualifier.EXACT, 498, 498, 498),
    (Qualifier.EXACT, 1600, 1520, 1680),          # a bare round figure of 1,000 or more: +-5%
    (Qualifier.APPROXIMATELY, 500, 450, 550),
    (Qualifier.ALMOST, 6000, 5400, 6000),
    (Qualifier.MORE_THAN, 125, 125, math.inf),
    (Qualifier.AT_LEAST, 125, 125, math.inf),
    (Qualifier.FEWER_THAN, 20, 0, 20),
    (Qualifier.AT_MOST, 174, 0, 174),
])
def test_each_qualifier_has_its_interval(qualifier, value, low, high):
    iv = interval(value, qualifier)
    assert iv.low == pytest.approx(low) and iv.high == pytest.approx(high)


def test_range_interval_runs_from_low_to_high():
    assert interval(325_000, Qualifier.RANGE, 275_000) == Interval(275_000, 325_000)


def _claim(value, qualifier=Qualifier.EXACT, low=None, **kw) -> Claim:
    base = dict(article="x", quote=str(value), sentence=f"{value} died.", start=0, end=len(str(value)),
                value=value, low=low, high=value, qualifier=qualifier, measure=Measure.KILLED, who="people",
                claimant="police", via=None, modality=Modality.ASSERTED, in_headline=False)
    base.update(kw)
    return Claim(**base)


def test_overlapping_intervals_agree_and_the_rest_conflict():
    assert agree(_claim(498), _claim(500, Qualifier.ALMOST))            # "nearly 500" and 498
    assert agree(_claim(498), _claim(500, Qualifier.APPROXIMATELY))     # "about 500" and 498
    assert agree(_claim(1597), _claim(1600))                           # a headline's rounded 1,600
    assert not agree(_claim(498), _claim(6000, Qualifier.ALMOST))       # 498 against "almost 6,000"
    assert not agree(_claim(497), _claim(498))                         # two exact figures
    # Open bounds: "more than 125" does not agree with 125, "at least 125" does.
    assert not agree(_claim(125, Qualifier.MORE_THAN), _claim(125))
    assert agree(_claim(125, Qualifier.AT_LEAST), _claim(125))
    assert agree(_claim(125, Qualifier.MORE_THAN), _claim(131))
    assert not agree(_claim(20, Qualifier.FEWER_THAN), _claim(20))


# --- days and revisions ------------------------------------------------------------------------


def test_dates_are_read_in_the_usual_forms():
    assert str(parse_date("2024-05-07T10:00:00Z")) == "2024-05-07"
    assert str(parse_date("7 May 2024")) == str(parse_date("May 7, 2024")) == "2024-05-07"
    assert parse_date("last week") is None


def test_a_weekday_in_the_sentence_moves_the_day_back():
    published = parse_date("2024-05-09")  # a Thursday
    c = _claim(40, sentence="On Tuesday the agency said 40 had died.", quote="40")
    assert str(as_of(c, published)[0]) == "2024-05-07"
    plain = _claim(40, sentence="The agency said 40 had died.", quote="40")
    assert as_of(plain, published) == (published, False)
    since = _claim(40, sentence="Since Monday, 40 have died.", quote="40")
    assert as_of(since, published) == (published, False)  # a period's start, not the figure's day


def test_revision_words_mark_an_update():
    assert is_revision(_claim(131, sentence="The toll rose to 131 overnight.", quote="131"))
    assert is_revision(_claim(125, sentence="The toll was revised down to 125.", quote="125"))
    assert not is_revision(_claim(125, sentence="The toll is 125.", quote="125"))


# --- grouping ----------------------------------------------------------------------------------

QUAKE = ("An earthquake of magnitude 6.8 struck the Atlas mountains near Marrakech late on Friday, "
         "flattening villages in Al Haouz province. Rescuers in Amizmiz dug through rubble as aftershocks "
         "shook the High Atlas. The interior ministry said {n} people had died and {m} were injured.")
FERRY = ("A ferry carrying pilgrims capsized on Lake Kivu near the port of Goma on Thursday. Divers "
         "searched the wreck of the MV Merdi as relatives waited at the quay. The provincial governor "
         "said {n} passengers had drowned and {m} were missing.")


def test_articles_about_one_event_form_one_story():
    docs = [Doc("q1", QUAKE.format(n=820, m=672), parse_date("2023-09-09")),
            Doc("f1", FERRY.format(n=78, m=200), parse_date("2024-10-03")),
            Doc("q2", "Villagers in Al Haouz slept outside after the Atlas earthquake near Marrakech. "
                      + QUAKE.format(n=1037, m=1204), parse_date("2023-09-10")),
            Doc("f2", FERRY.format(n=78, m=180) + " The MV Merdi was overloaded, Goma officials said.",
                parse_date("2024-10-03"))]
    assert sorted(map(sorted, group(docs))) == [["f1", "f2"], ["q1", "q2"]]


def test_far_apart_dates_are_different_events():
    docs = [Doc("a", FERRY.format(n=78, m=200), parse_date("2024-10-03")),
            Doc("b", FERRY.format(n=78, m=200), parse_date("2025-06-20"))]
    assert sorted(map(sorted, group(docs))) == [["a"], ["b"]]


def test_wire_copies_are_linked():
    wire = FERRY.format(n=78, m=200)
    docs = [Doc("agency", wire, None), Doc("reprint", "From our partners. " + wire + " Read more.", None),
            Doc("own", "Our correspondent in Goma reports that the ferry sank. Families demand answers "
                       "from the provincial governor, who gave a toll of 78.", None)]
    assert sorted(map(sorted, copies(docs))) == [["agency", "reprint"], ["own"]]


def test_copies_are_folded_before_grouping_and_kept_as_copy_sets():
    wire = FERRY.format(n=78, m=200).replace(". ", ".\n")  # a paragraph per sentence, as pages print it
    edited = FERRY.format(n=78, m=200).replace("Divers searched", "Navy divers searched")  # no paragraph in common
    docs = [Doc("agency", wire, None),
            Doc("quake", QUAKE.format(n=820, m=672), None),
            *(Doc(f"reprint{k}", f"Partner site {k}\n{wire}\nRead more from partner {k}", None) for k in range(5)),
            Doc("edited", edited, None),
            Doc("own", "Our correspondent at the quay in Goma says the MV Merdi sank on Lake Kivu. Families "
                       "of the pilgrims demand answers from the provincial governor, who gave a toll of 78.", None)]
    found = {tuple(ids): sorted(map(sorted, sets)) for ids, sets in stories(docs)}
    ferry = tuple(d.id for d in docs if d.id != "quake")
    assert set(found) == {ferry, ("quake",)}
    assert found[ferry] == [["agency", "edited", *(f"reprint{k}" for k in range(5))], ["own"]]


# --- end to end on extracted claims ------------------------------------------------------------


def _analyse(extractor, articles: dict[str, tuple[str, str | None]]):
    arts = [Article(id=k, text=t, source=k, date=d) for k, (t, d) in articles.items()]
    claims = [c for a in arts for c in extractor.extract(a.text, article_id=a.id)]
    return analyse(arts, claims), claims


def _kinds(analysis):
    return sorted(c["kind"] for c in analysis.conflicts)


def test_spokesman_and_his_ministry_are_one_claimant(extractor):
    text = ("Flooding along the Sava river forced thousands from their homes on Monday.\n\n"
            "Interior Ministry spokesman Marko Petrovic said 2,300 people had been evacuated.\n\n"
            "The Interior Ministry said 2,300 people had been evacuated from riverside towns.")
    analysis, _ = _analyse(extractor, {"sava": (text, "2024-05-06")})
    canon = {analysis.claimant_of[k] for k in analysis.claimant_of}
    assert canon == {"Interior Ministry"}
    story = analysis.stories[0]
    assert "speaks for" in story.claimants["Interior Ministry"]["Marko Petrovic"]
    assert analysis.conflicts == []


def test_different_days_are_updates_not_conflicts(extractor):
    monday = ("Floods in the Sava valley: the regional civil protection agency said 12 people had died "
              "after the river burst its banks near Obrenovac.")
    thursday = ("Floods in the Sava valley near Obrenovac: the regional civil protection agency said 19 "
                "people had died after the river burst its banks.")
    analysis, _ = _analyse(extractor, {"mon": (monday, "2024-05-06"), "thu": (thursday, "2024-05-09")})
    assert len(analysis.stories) == 1
    assert analysis.conflicts == []
    timeline = analysis.stories[0].timelines[0]
    assert [p["value"] for p in timeline["points"]] == [12, 19]


def test_an_undated_article_is_placed_no_earlier_than_the_last_day_it_reports(extractor):
    monday = ("Floods in the Sava valley: the regional civil protection agency said 12 people had died "
              "after the river burst its banks near Obrenovac on 6 May 2024.")
    later = ("Floods in the Sava valley near Obrenovac: the regional civil protection agency said 19 "
             "people had died after the river burst its banks. Two more bodies were found on "
             "Thursday, May 9, 2024.")
    analysis, _ = _analyse(extractor, {"mon": (monday, "2024-05-06"), "undated": (later, None)})
    assert len(analysis.stories) == 1
    assert analysis.conflicts == []  # 12 on the 6th, 19 by the 9th: an update
    assert [p["value"] for p in analysis.stories[0].timelines[0]["points"]] == [12, 19]


def test_an_old_date_in_the_background_does_not_place_an_undated_article(extractor):
    dated = ("Floods in the Sava valley: the regional civil protection agency said 12 people had died "
             "after the river burst its banks near Obrenovac.")
    undated = ("Floods in the Sava valley: the regional civil protection agency said 19 people had died "
               "after the river burst its banks near Obrenovac. The valley last flooded on 14 May 2014.")
    analysis, _ = _analyse(extractor, {"dated": (dated, "2024-05-06"), "undated": (undated, None)})
    assert len(analysis.stories) == 1
    assert [c["kind"] for c in analysis.conflicts] == ["inconsistency"]  # both taken as of 6 May 2024


def test_a_stated_revision_is_an_update_but_a_bare_change_is_an_inconsistency(extractor):
    revised = ("Floods in the Sava valley near Obrenovac. The regional civil protection agency said 12 "
               "people had died. Later the agency said the toll had risen to 14.")
    analysis, _ = _analyse(extractor, {"rev": (revised, "2024-05-06")})
    assert analysis.conflicts == []
    bare = ("Floods in the Sava valley near Obrenovac. The regional civil protection agency said 12 "
            "people had died. Later the agency said 14 people had died.")
    analysis, _ = _analyse(extractor, {"bare": (bare, "2024-05-06")})
    assert _kinds(analysis) == ["inconsistency"]


def test_two_claimants_that_do_not_overlap_are_a_dispute(extractor):
    text = ("The protest filled Republic Square in Belgrade on Saturday.\n\n"
            "Police said about 35,000 people took part. The organisers said 140,000 people took part, "
            "while an independent count put the crowd at between 130,000 and 150,000.")
    analysis, _ = _analyse(extractor, {"rally": (text, "2025-02-01")})
    disputes = [c for c in analysis.conflicts if c["kind"] == "dispute"]
    pairs = {frozenset((c["a"]["claimant"], c["b"]["claimant"])) for c in disputes}
    assert frozenset(("police", "organisers")) in pairs or frozenset(("Police", "organisers")) in pairs
    assert all(c["why"] and c["slot"] for c in disputes)
    # 140,000 agrees with the range 130,000-150,000: no conflict between those two.
    assert not any({c["a"]["value"], c["b"]["value"]} == {140_000, 150_000} for c in disputes)


def test_a_wire_copy_is_not_an_independent_outlet(extractor):
    wire = ("The provincial governor said 78 passengers drowned when a ferry capsized on Lake Kivu near "
            "Goma on Thursday, and divers were still searching the wreck of the overloaded vessel.")
    own = ("Relatives waited at the quay in Goma on Thursday. The provincial governor said 78 passengers "
           "drowned on Lake Kivu; our reporter saw divers bring bodies ashore.")
    analysis, _ = _analyse(extractor, {"wire": (wire, "2024-10-03"), "copy": (wire + " (AFP)", "2024-10-03"),
                                       "own": (own, "2024-10-03")})
    story = analysis.stories[0]
    assert sorted(map(sorted, story.copies)) == [["copy", "wire"], ["own"]]
    from crosstally.stories import outlets_per_figure

    rows = [r for slot in story.slots for r in outlets_per_figure(story, slot, analysis.claimant_of)
            if r["value"] == 78]
    assert rows and rows[0]["outlets"] == 2  # three articles, two independent sources


def test_a_state_name_in_one_article_is_the_body_credited_with_the_figure():
    claims = [
        _claim(497, article="a", claimant="Russia", in_headline=True, start=10),
        _claim(498, article="a", claimant="Russian Defense Ministry", start=200),
        _claim(5000, article="b", claimant="Kyiv", start=5),
    ]
    names = resolve(claims, {"a": "", "b": ""})
    assert names.of(claims[0]) == names.of(claims[1]) == "Russian Defense Ministry"
    assert names.of(claims[2]) == "Kyiv"  # no body of Ukraine gives 5,000: it stays as named


def test_a_short_form_refers_back_to_a_fuller_one_in_its_article():
    claims = [
        _claim(14, article="a", claimant="police", in_headline=True, start=5),
        _claim(12, article="a", claimant="district police", start=80),
        _claim(12, article="b", claimant="Police in the hill district", start=30),
        _claim(3, article="c", claimant="police", start=9),
    ]
    names = resolve(claims, {"a": "", "b": "", "c": ""})
    # "police" -> "district police" in article a; that pair -> the full name in the story.
    assert names.of(claims[0]) == names.of(claims[1]) == names.of(claims[2]) == "Police in the hill district"
    assert names.of(claims[3]) == "Police in the hill district"  # the only police body in the story


def test_a_short_form_that_fits_two_fuller_ones_stays_apart():
    claims = [
        _claim(14, article="a", claimant="ministry", start=5),
        _claim(12, article="a", claimant="health ministry", start=80),
        _claim(12, article="a", claimant="interior ministry", start=90),
    ]
    names = resolve(claims, {"a": ""})
    assert names.of(claims[0]) == "ministry"
    assert names.of(claims[1]) != names.of(claims[2])
