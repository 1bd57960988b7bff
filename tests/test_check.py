"""The editor's check, on articles written for these tests."""
import hashlib
import json

import pytest
from click.testing import CliRunner

from crosstally.check import INCONSISTENT, NO_CLAIMANT, check
from crosstally.cli import cli
from crosstally.errors import InputError

DRAFT = """Police say 14 killed in quarry collapse

Share this article

A rock face gave way at a limestone quarry in the hill district on Tuesday, burying men at the bottom of the pit.

District police said 12 workers were killed and nine were injured. Rescuers pulled 30 people from the rubble overnight.
"""

OTHER = """Quarry owner questioned after collapse

Police in the hill district said on Tuesday that 12 workers had died when a rock face collapsed at a limestone
quarry. The company that runs the site said only eight of its workers were killed.

The owner was questioned by investigators on Wednesday.
"""


def run_cli(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def coverage(tmp_path_factory):
    """A database holding another outlet's report of the same collapse, and the draft to check."""
    root = tmp_path_factory.mktemp("check")
    (root / "in").mkdir()
    (root / "in" / "quarry-other.txt").write_text(OTHER)
    (root / "in" / "quarry.txt").write_text("An older draft.\n\nNothing was counted yet.\n")
    r = run_cli("run", str(root / "in"), "--out", str(root / "out"), "--quiet")
    assert r.exit_code == 0, r.output
    (root / "quarry.txt").write_text(DRAFT)
    return root


def _by_quote(report):
    return {f.claim.quote: f for f in report.figures}


def test_flags_an_internal_inconsistency_and_figures_without_a_claimant(coverage, extractor):
    report = check(str(coverage / "quarry.txt"), extractor=extractor)
    figures = _by_quote(report)
    assert set(figures) == {"14", "12", "nine", "30"}
    # The headline's "police" is the body's "district police": one speaker with two death tolls.
    assert INCONSISTENT in figures["14"].flags and INCONSISTENT in figures["12"].flags
    assert figures["14"].claimant == figures["12"].claimant
    assert len(report.inconsistencies) == 1 and "within one article" in report.inconsistencies[0]["why"]
    assert figures["30"].flags == [NO_CLAIMANT] and figures["nine"].flags == []
    assert report.unattributed == [figures["30"]] and report.flagged
    assert all(not f.elsewhere and not f.disputed_by for f in report.figures)  # no database, no comparison


def test_with_a_database_it_reports_the_same_claimant_elsewhere(coverage, extractor):
    db = coverage / "out" / "crosstally.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    report = check(str(coverage / "quarry.txt"), db=str(db), extractor=extractor)
    figures = _by_quote(report)
    # The stored older version of the same article is replaced by the draft, not compared with it.
    assert report.story == ["quarry-other"]
    assert [(r.article, r.quote, r.agrees) for r in figures["12"].elsewhere] == [("quarry-other", "12", True)]
    assert [(r.article, r.quote, r.agrees) for r in figures["14"].elsewhere] == [("quarry-other", "12", False)]
    assert [(r.claimant, r.quote) for r in figures["12"].disputed_by] == [("company", "eight")]
    assert figures["nine"].elsewhere == []
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # opened read-only


def test_check_command_prints_and_writes_json(coverage):
    db = str(coverage / "out" / "crosstally.db")
    r = run_cli("check", str(coverage / "quarry.txt"), "--db", db)
    assert r.exit_code == 0, r.output
    assert "inconsistent:" in r.output and "no claimant" in r.output and "quarry-other" in r.output
    r = run_cli("check", str(coverage / "quarry.txt"), "--db", db, "--json")
    data = json.loads(r.output)
    assert data["article"]["id"] == "quarry" and data["story"] == ["quarry-other"]
    twelve = next(f for f in data["figures"] if f["quote"] == "12")
    assert twelve["elsewhere"][0]["agrees"] is True and twelve["flags"] == [INCONSISTENT]
    assert run_cli("check", str(coverage / "quarry.txt"), "--strict").exit_code == 1


def test_a_clean_article_passes_strict(tmp_path):
    (tmp_path / "a.txt").write_text("Ferry capsizes off the coast\n\nThe coastguard said 23 passengers were "
                                    "rescued after the ferry capsized on Friday.\n")
    r = run_cli("check", str(tmp_path / "a.txt"), "--strict")
    assert r.exit_code == 0, r.output
    assert "coastguard" in r.output.lower()


@pytest.mark.parametrize("make, reason", [
    (lambda p: p, "is a folder"),
    (lambda p: p / "missing.txt", "no such file"),
])
def test_bad_article_is_named(tmp_path, make, reason):
    with pytest.raises(InputError, match=reason):
        check(str(make(tmp_path)))


@pytest.mark.parametrize("make, reason", [
    (lambda p: p / "none.db", "no such database"),
    (lambda p: (p / "t.db").write_text("not a database, just words" * 100) and p / "t.db", "not a SQLite database"),
    (lambda p: (p / "e.db").write_bytes(b"") or p / "e.db", "not a crosstally database"),
])
def test_bad_database_is_named_and_the_article_is_not_read(tmp_path, extractor, make, reason):
    (tmp_path / "a.txt").write_text("The coastguard said 23 passengers were rescued.\n")
    db = make(tmp_path)
    with pytest.raises(InputError, match=reason) as e:
        check(str(tmp_path / "a.txt"), db=str(db), extractor=extractor)
    assert str(db) in str(e.value)


def test_check_command_names_a_bad_database(tmp_path):
    (tmp_path / "a.txt").write_text("The coastguard said 23 passengers were rescued.\n")
    r = CliRunner().invoke(cli, ["check", str(tmp_path / "a.txt"), "--db", str(tmp_path / "none.db")])
    assert r.exit_code != 0 and "no such database" in str(r.exception)


def test_article_text_is_escaped_in_the_check(tmp_path):
    (tmp_path / "x.txt").write_text("Storm [bold red]Fake[/] toll rises\n\n"
                                    "The [link=javascript:alert(1)]coastguard[/link] said 12 people died.\n")
    r = run_cli("check", str(tmp_path / "x.txt"))
    assert r.exit_code == 0, r.output
    assert "Storm [bold red]Fake[/] toll rises" in r.output
