import json
import sqlite3

import pytest
from click.testing import CliRunner

from crosstally.cli import cli
from crosstally.runner import sample_dir


def run_cli(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """One run on the shipped sample, read by the tests of its outputs."""
    out = tmp_path_factory.mktemp("sample") / "out"
    return out, run_cli("run", "--sample", "--out", str(out))


def test_run_on_the_sample(sample_run):
    out, r = sample_run
    assert r.exit_code == 0, r.output
    assert "4 articles extracted" in r.output and "derna-un-toll" in r.output
    claims = [json.loads(l) for l in (out / "claims.jsonl").read_text().splitlines()]
    assert len(claims) >= 15
    assert {"killed", "missing", "displaced"} <= {c["measure"] for c in claims}
    assert {"exact", "approximately", "more_than", "at_least", "almost", "fewer_than", "at_most", "range"} \
        <= {c["qualifier"] for c in claims}
    assert any(c["modality"] == "denied" for c in claims) and any(c["modality"] == "projected" for c in claims)
    assert any(c["via"] for c in claims) and any(c["in_headline"] for c in claims)
    db = sqlite3.connect(out / "crosstally.db")
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == len(claims)
    texts = {r[0]: r[1] for r in db.execute("SELECT id, text FROM articles")}
    for c in claims:
        assert texts[c["article"]][c["start"]:c["end"]] == c["quote"]
    header = (out / "claims.csv").read_text().splitlines()[0]
    assert header.split(",") == list(claims[0])


def test_rerun_adds_nothing(tmp_path):
    out = tmp_path / "out"
    run_cli("run", "--sample", "--out", str(out))
    r = run_cli("run", "--sample", "--out", str(out))
    assert r.exit_code == 0 and "0 articles extracted, 4 unchanged" in r.output
    db = sqlite3.connect(out / "crosstally.db")
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


def test_bad_inputs_are_reported_and_the_run_goes_on(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "good.txt").write_text("Flood kills 12\n\nTwelve people died in the flood, police said.\n")
    (inp / "empty.txt").write_bytes(b"")
    (inp / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "out"
    r = run_cli("run", str(inp), "--out", str(out))
    assert r.exit_code == 0
    rejects = [json.loads(l) for l in (out / "rejects.jsonl").read_text().splitlines()]
    assert {(x["source"].split("/")[-1], x["reason"]) for x in rejects} == {
        ("empty.txt", "empty file"), ("binary.bin", "binary data, not text")}
    assert "good" in (out / "claims.jsonl").read_text()
    # --strict fails the run; what was stored stays
    r = run_cli("run", str(inp), "--out", str(out), "--strict")
    assert r.exit_code == 1
    assert sqlite3.connect(out / "crosstally.db").execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_all_rejected_exits_nonzero(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    r = run_cli("run", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out"))
    assert r.exit_code == 1


def test_stdin(tmp_path):
    r = CliRunner().invoke(cli, ["run", "-", "--out", str(tmp_path / "o")],
                           input="Twelve people died in the flood, police said.\n")
    assert r.exit_code == 0
    (claim,) = [json.loads(l) for l in (tmp_path / "o" / "claims.jsonl").read_text().splitlines()]
    assert claim["article"] == "stdin" and claim["claimant"] == "police"


def test_article_text_is_escaped_in_the_terminal(tmp_path):
    (tmp_path / "x.txt").write_text("Storm [bold red]Fake[/] toll [link=javascript:alert(1)]x[/link] rises\n\n"
                                    "Twelve people died, police said.\n")
    r = run_cli("run", str(tmp_path / "x.txt"), "--out", str(tmp_path / "o"))
    assert "Storm [bold red]Fake[/] toll [link=javascript:alert(1)]x[/link] rises" in r.output


def test_jobs_gives_the_same_claims(tmp_path):
    run_cli("run", "--sample", "--out", str(tmp_path / "one"))
    run_cli("run", "--sample", "--out", str(tmp_path / "two"), "--jobs", "2")
    assert (tmp_path / "one" / "claims.jsonl").read_text() == (tmp_path / "two" / "claims.jsonl").read_text()


def test_eval_command(tmp_path):
    run_cli("run", str(sample_dir()), "--out", str(tmp_path / "o"))
    claims = tmp_path / "o" / "claims.jsonl"
    r = run_cli("eval", str(claims), str(claims), "--json")
    scores = json.loads(r.output)
    assert scores["figure_prf"] == [1.0, 1.0, 1.0] and scores["attributed_prf"] == [1.0, 1.0, 1.0]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    r = CliRunner().invoke(cli, ["eval", str(bad), str(claims)])
    assert r.exit_code != 0


def test_run_writes_stories_and_conflicts(sample_run):
    out, r = sample_run
    assert r.exit_code == 0, r.output
    assert "conflicts" in r.output and "1 stories" in r.output
    conflicts = [json.loads(l) for l in (out / "conflicts.jsonl").read_text().splitlines()]
    kinds = {c["kind"] for c in conflicts}
    assert {"dispute", "inconsistency"} <= kinds  # claimants disagree; the headline differs from its body
    for c in conflicts:
        assert set(c) >= {"kind", "story", "slot", "measure", "a", "b", "why"}
        assert set(c["a"]) >= {"article", "quote", "value", "claimant"}
    stories = [json.loads(l) for l in (out / "stories.jsonl").read_text().splitlines()]
    assert len(stories) == 1 and ["derna-wire", "derna-wire-copy"] in stories[0]["copies"]
    db = sqlite3.connect(out / "crosstally.db")
    assert db.execute("SELECT count(*) FROM conflicts").fetchone()[0] == len(conflicts)
    assert db.execute("SELECT count(*) FROM claimant_aliases WHERE evidence != ''").fetchone()[0] >= 1


def test_metadata_gives_dates_and_a_bad_file_is_named(tmp_path):
    meta = tmp_path / "index.jsonl"
    meta.write_text('{"article": "derna-wire", "date": "2023-09-17", "outlet": "Wire"}\n')
    out = tmp_path / "out"
    r = run_cli("run", "--sample", "--out", str(out), "--meta", str(meta), "--quiet")
    assert r.exit_code == 0, r.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"article": "a"}\nnot json\n')
    from crosstally.errors import InputError
    from crosstally.runner import load_metadata

    try:
        load_metadata(bad)
    except InputError as e:
        assert "bad.jsonl" in str(e) and "line 2" in str(e)
    else:
        raise AssertionError("a malformed metadata file must be an InputError")


def test_metadata_is_read_from_disk_as_asked_for(tmp_path):
    """The index is kept in a temporary database, not in memory; it reads as the JSON Lines says."""
    from crosstally.runner import Metadata, load_metadata

    index = tmp_path / "index.jsonl"
    index.write_text('{"article": "a", "date": "2024-05-01", "outlet": "Wire", "words": 400}\n'
                     '\n{"id": "b", "title": "Flood", "url": 7}\n'
                     '{"article": "a", "date": "2024-05-02", "url": "https://example.org/a"}\n')
    meta = load_metadata(index)
    assert isinstance(meta, Metadata) and len(meta) == 2 and list(meta) == ["a", "b"]
    assert meta["a"] == {"date": "2024-05-02", "url": "https://example.org/a"}  # the later row wins
    assert meta.get("b") == {"title": "Flood"}  # values that are not text are left out
    assert meta.get("c") is None and "c" not in meta
    assert load_metadata(None) == {}
