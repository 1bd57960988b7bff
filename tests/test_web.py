"""report.html and the web app's views, pages and API, in process (the browser tests drive the real server)."""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crosstally.cli import cli
from crosstally.errors import InputError
from crosstally.web import views
from crosstally.web.app import create_app
from crosstally.web.charts import interval_chart, nice_ticks
from crosstally.web.render import anchor
from tests.webdata import HOSTILE_NAME, run_with_hostile


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """One run on the samples plus an article full of markup payloads."""
    return run_with_hostile(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(run_dir):
    return TestClient(create_app(str(run_dir / "crosstally.db")))


def test_every_run_writes_a_self_contained_report(run_dir):
    page = (run_dir / "report.html").read_text("utf-8")
    assert not list(run_dir.glob("*.tmp")), "report.html is written whole, through a temporary file"
    assert "<svg" in page and 'class="chart interval-chart"' in page
    # Nothing to load: no script, no external stylesheet or image, and a policy that forbids them.
    assert "<script" not in page.replace("&lt;script", "")
    assert not re.search(r'(src|href)="(https?:)?//', page)
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp and "script" not in csp
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp, "the embedded stylesheet must match the hash the policy allows"


def test_report_shows_conflicts_first_and_marks_every_figure(run_dir):
    page = (run_dir / "report.html").read_text("utf-8")
    assert page.index('id="conflicts"') < page.index('id="stories"') < page.index('id="articles"')
    db = sqlite3.connect(run_dir / "crosstally.db")
    for article, start in db.execute("SELECT article_id, start FROM claims"):
        assert f'id="c-{anchor(article)}-{start}"' in page
    # A conflict card links each side to its mark in the article.
    body = json.loads(db.execute("SELECT body FROM conflicts LIMIT 1").fetchone()[0])
    assert f'href="#c-{anchor(body["a"]["article"])}-{body["a"]["start"]}"' in page


def outlines_match_stories(target: str) -> int:
    """report.html's outline of each story (quantities counted in SQL, slots read one at a time)
    says what the whole story view says; returns how many slots were compared."""
    db = views.open_db(target)
    compared = 0
    try:
        for summary in views.stories(db, per_page=10_000)["items"]:
            whole = views.story(db, summary["id"])
            outline = views.story_outline(db, summary)
            assert outline["quantities"] == views.quantities(whole["slots"])
            assert outline["timelines"] == whole["timelines"]
            slots = list(outline["slots"])
            assert slots == [{k: v for k, v in sl.items() if k != "claims"} for sl in whole["slots"]]
            compared += len(slots)
    finally:
        db.close()
    return compared


def test_report_outlines_stories_as_the_story_view_does(run_dir):
    assert outlines_match_stories(str(run_dir / "crosstally.db"))


def test_report_outlines_the_dev_corpus_stories_as_the_story_view_does(dev_run):
    # The dev corpus has claimants with several figures in a slot, and slots with conflicts.
    _, dev_out = dev_run
    assert outlines_match_stories(str(dev_out / "crosstally.db")) > 20


def test_hostile_text_is_shown_as_text(run_dir, client):
    # (The article's own page is checked through the real server in test_browser: the in-process client
    # decodes a path twice, and this article's id holds a literal %3C.)
    story = next(a["story"] for a in client.get("/articles.json").json()["items"] if a["id"] == HOSTILE_NAME)
    pages = [(run_dir / "report.html").read_text("utf-8"), client.get("/").text, client.get(f"/stories/{story}").text]
    for page in pages:
        for payload in ("<script>", "<img src=x onerror", "<b onmouseover", '<a href="javascript:', "<svg onload",
                        "<iframe"):
            assert payload not in page
    assert "&lt;script&gt;window.__pwned" in pages[0] and "&lt;img src=x onerror=" in pages[0]
    assert "&lt;img src=x onerror=" in pages[2]


def test_anchor_keeps_ids_apart():
    assert anchor("S1.2") != anchor("S1_2")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", anchor(HOSTILE_NAME))


def test_interval_chart_draws_qualifiers_honestly():
    figures = [
        {"claimant": "ministry", "quote": "more than 2,870", "value": 2870, "qualifier": "more_than", "low": 2870,
         "high": None, "outlets": 2},
        {"claimant": "president", "quote": "almost 6,000", "value": 6000, "qualifier": "almost", "low": None,
         "high": 6000, "outlets": 1},
    ]
    svg = str(interval_chart(figures, "killed"))
    rows = svg.split('<g class="figure">')[1:]
    # "more than": an open-ended bar (dashed line to an arrow) and a hollow dot at the excluded bound.
    assert "<polygon" in rows[0] and 'stroke-dasharray' in rows[0] and 'fill="#ffffff"' in rows[0]
    # "almost 6,000": a closed band that ends at 6,000, a solid dot there, no arrow.
    assert "<polygon" not in rows[1] and 'fill="#ffffff"' not in rows[1]
    band = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', rows[1])
    dot = re.search(r'<circle cx="([\d.]+)"', rows[1])
    assert abs(float(band.group(1)) + float(band.group(2)) - float(dot.group(1))) < 0.2
    assert nice_ticks(6480)[-1] >= 6480


def test_chart_escapes_claimant_names():
    svg = str(interval_chart([{"claimant": "<script>x</script>", "quote": "5 <b>", "value": 5, "qualifier": "exact",
                               "low": 5, "high": 5, "outlets": 1}], "killed"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_pages_and_their_json_twins_render_the_same_views(client):
    overview = client.get("/index.json").json()
    assert overview["totals"]["articles"] == 5
    story = overview["stories"]["items"][0]
    page = client.get(f"/stories/{story['id']}")
    assert page.status_code == 200 and html.escape(story["title"], quote=False) in page.text
    twin = client.get(f"/stories/{story['id']}.json").json()
    for slot in twin["slots"]:
        assert slot["label"] in html.unescape(page.text)
        assert client.get(f"/slots/{slot['id']}.json").json()["figures"] == slot["figures"]
    conflict = twin["conflicts"][0]
    assert client.get(f"/conflicts/{conflict['id']}.json").json() == conflict
    article = client.get("/articles/" + _q(conflict["a"]["article"]) + ".json").json()
    assert article["text"][conflict["a"]["start"]:].startswith(conflict["a"]["quote"])
    assert f'id="c-{conflict["a"]["start"]}"' in client.get("/articles/" + _q(conflict["a"]["article"])).text


def test_claimant_page_has_all_their_figures(client):
    claims = client.get("/claims.json", params={"per_page": 500}).json()["items"]
    name = max({c["claimant"] for c in claims if c["claimant"]}, key=lambda n: sum(c["claimant"] == n for c in claims))
    mine = client.get("/claimants/" + _q(name) + ".json").json()
    assert len(mine["claims"]) == sum(c["claimant"] == name for c in claims)
    assert client.get("/claimants/" + _q(name)).status_code == 200


def test_filters_and_pagination(client):
    everything = client.get("/claims.json", params={"per_page": 500}).json()
    killed = client.get("/claims.json", params={"measure": "killed", "per_page": 500}).json()
    assert 0 < killed["total"] < everything["total"]
    assert all(c["measure"] == "killed" for c in killed["items"])
    first = client.get("/claims.json", params={"per_page": 5}).json()
    second = client.get("/claims.json", params={"per_page": 5, "page": 2}).json()
    assert first["pages"] == -(-everything["total"] // 5)
    assert {c["id"] for c in first["items"]}.isdisjoint(c["id"] for c in second["items"])
    day = next(c["date"] for c in everything["items"] if c["date"])[:10]
    dated = client.get("/claims.json", params={"date_from": day, "date_to": day, "per_page": 500}).json()
    assert dated["total"] and all(c["date"][:10] == day for c in dated["items"])
    outlet = next(c["outlet"] for c in everything["items"] if c["outlet"])
    assert all(c["outlet"] == outlet for c in client.get("/claims.json", params={"outlet": outlet}).json()["items"])
    # An HTML form sends unset filters empty: they mean "any".
    assert client.get("/claims?measure=&claimant=&outlet=&story=&date_from=&date_to=").status_code == 200


def test_search_finds_articles_and_figures(client):
    found = client.get("/search.json", params={"q": "Derna"}).json()
    assert found["articles"]["total"] >= 3
    assert any(p["mark"] and p["text"].lower() == "derna" for p in found["articles"]["items"][0]["snippet"])
    assert client.get("/search.json", params={"q": "missing"}).json()["claims"]["total"] >= 1
    # Words that are FTS5 syntax are searched as words, never an error.
    for q in ('"', "AND(", "NEAR(a b", "x*", "*", "-", "col:val", "^", "\x00", "a\x00b", "\u200f\u202e"):
        assert client.get("/search.json", params={"q": q}).status_code == 200, q
    assert client.get("/search", params={"q": "Derna"}).status_code == 200


@pytest.mark.parametrize("url, status, words", [
    ("/claims.json?measure=bogus", 422, "measure"),
    ("/claims.json?date_from=2023-02-30", 422, "date_from"),
    ("/claims.json?date_from=0.0", 422, "date_from"),
    ("/claims.json?date_to=2023-02-01T10:00", 422, "date_to"),
    ("/claims.json?measure=killed&measure=injured", 422, "measure: given more than once"),
    ("/claims.json?page=0", 422, "page"),
    ("/claims.json?per_page=100000", 422, "per_page"),
    ("/conflicts.json?kind=feud", 422, "kind"),
    ("/conflicts/0.json", 422, "conflict_id"),
    ("/conflicts/99999999999999999999999.json", 422, "conflict_id"),
    ("/conflicts/abc", 422, "conflict_id"),
    ("/search.json?q=", 422, "q"),
    ("/search.json", 422, "q"),
    ("/stories/S999.json", 404, "no story 'S999'"),
    ("/slots/S1.999", 404, "no slot"),
    ("/articles/nothing-here.json", 404, "no article"),
    ("/claimants/Nobody%20At%20All", 404, "no claimant"),
    ("/no/such/page", 404, "Not Found"),
])
def test_bad_requests_get_a_4xx_that_says_why(client, url, status, words):
    r = client.get(url)
    assert r.status_code == status
    assert words in (r.json()["detail"] if url.split("?")[0].endswith(".json") else html.unescape(r.text))


def test_responses_forbid_scripts(client):
    r = client.get("/")
    assert "script-src" not in r.headers["content-security-policy"]
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text


def test_the_app_never_writes_to_the_database(run_dir, client):
    path = run_dir / "crosstally.db"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for url in ("/", "/stories", "/claims", "/conflicts", "/articles", "/search?q=killed", "/openapi.json"):
        assert client.get(url).status_code == 200
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_openapi_describes_every_json_view(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in ("/index.json", "/stories.json", "/stories/{story_id}.json", "/slots/{slot_id}.json",
                 "/conflicts.json", "/conflicts/{conflict_id}.json", "/articles.json", "/articles/{article_id}.json",
                 "/claims.json", "/claimants/{name}.json", "/search.json"):
        assert path in paths, path
    assert not any(p.endswith((".css",)) or not p.endswith(".json") for p in paths)


def test_serve_refuses_a_database_it_cannot_read(tmp_path):
    with pytest.raises(InputError, match="no such database"):
        create_app(str(tmp_path / "missing.db"))
    old = tmp_path / "old.db"
    db = sqlite3.connect(old)
    db.executescript("CREATE TABLE migrations (version INTEGER, name TEXT, applied_at TEXT);"
                     "INSERT INTO migrations VALUES (2, 'x', 'y'); CREATE TABLE articles (id TEXT);"
                     "CREATE TABLE claims (id INTEGER);")
    db.close()
    with pytest.raises(InputError, match="older crosstally"):
        views.open_db(str(old))


def test_serve_listens_on_loopback_only(run_dir):
    r = CliRunner().invoke(cli, ["serve", str(run_dir), "--host", "0.0.0.0"])
    assert r.exit_code != 0 and "loopback" in r.output


def test_search_index_follows_a_changed_article(tmp_path):
    from crosstally.model import Article, Claim
    from crosstally.store.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "s.db")
    run = store.start_run(["a.txt"], "test")
    flood = Claim.from_dict({"article": "a", "quote": "30", "sentence": "The flood left 30 people missing.",
                             "start": 15, "end": 17, "value": 30, "low": 30, "high": 30, "qualifier": "exact",
                             "measure": "missing", "who": "people"})
    store.save_article(Article("a", "The flood left 30 people missing.", "a.txt"), [flood], run, "test")
    store.save_article(Article("a", "The storm left 12 people stranded.", "a.txt"), [], run, "test")

    def hits(table: str, word: str) -> int:
        return store.db.execute(f"SELECT count(*) AS n FROM {table} WHERE {table} MATCH ?", (word,)).fetchone()["n"]

    assert hits("articles_fts", "storm") == 1 and hits("articles_fts", "flood") == 0
    assert hits("claims_fts", "flood") == 0, "a replaced article's claims leave the index with it"
    store.close()


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def test_an_article_page_lists_its_copies_and_duplicates(tmp_path):
    from crosstally.runner import run, sample_dir

    folder = tmp_path / "in"
    folder.mkdir()
    for f in sample_dir().iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    # The same text under a hostile name (read after the original): stored once, listed as a
    # duplicate, escaped.
    (folder / 'z"><b onmouseover=alert(1)>x.txt').write_bytes((folder / "derna-wire.txt").read_bytes())
    run([str(folder)], tmp_path / "out")
    client = TestClient(create_app(str(tmp_path / "out" / "crosstally.db")))
    data = client.get("/articles/derna-wire.json").json()
    assert [d["id"] for d in data["near_duplicates"]] == ["derna-wire-copy"]
    assert 0.5 <= data["near_duplicates"][0]["overlap"] <= 1
    assert [d["id"] for d in data["duplicates"]] == ['z"><b onmouseover=alert(1)>x']
    page = client.get("/articles/derna-wire").text
    assert 'href="/articles/derna-wire-copy"' in page and "word sequences shared" in page
    assert "<b onmouseover" not in page and "&lt;b onmouseover=alert(1)&gt;x" in page
