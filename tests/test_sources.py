"""Feeds, URLs and URL lists, fetched from a real HTTP server on 127.0.0.1 that the tests start."""
from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from crosstally.errors import InputError
from crosstally.ingest.fetch import HTML_TYPES, NOT_MODIFIED, USER_AGENT, Fetcher
from crosstally.ingest.sources import iter_inputs
from crosstally.ingest.web import Fetched, Web, article_id_for
from crosstally.runner import run
from crosstally.settings import Settings
from tests.newsserver import STORM_1, STORM_1_COPY, STORM_2, STORM_3, NewsServer, Route, atom, page, rss

FAST = Settings(delay=0.0, timeout=1.0, retries=1, backoff=0.01, max_bytes=200_000)


@pytest.fixture
def site():
    with NewsServer() as s:
        s.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        s.routes["/news/storm.html"] = Route(STORM_1)
        s.routes["/news/storm-copy.html"] = Route(STORM_1_COPY)
        s.routes["/news/red-cross.html"] = Route(STORM_2)
        s.routes["/news/debris.html"] = Route(STORM_3)
        s.routes["/private/memo.html"] = Route(STORM_3)
        s.routes["/feed.xml"] = Route(rss([
            ("Storm kills 12", s.url("/news/storm.html"), "Wed, 19 Nov 2025 08:00:00 GMT"),
            ("Storm copy", s.url("/news/storm-copy.html"), "Wed, 19 Nov 2025 09:00:00 GMT"),
            ("Red Cross toll", s.url("/news/red-cross.html"), "Wed, 19 Nov 2025 10:00:00 GMT"),
            ("Memo", s.url("/private/memo.html"), "Wed, 19 Nov 2025 11:00:00 GMT"),
            ("Gone", s.url("/news/gone.html"), "Wed, 19 Nov 2025 12:00:00 GMT"),
        ]), content_type="application/rss+xml")
        yield s


def read(inputs, settings=FAST, known=lambda url: None):
    web = Web(settings, known)
    try:
        return list(iter_inputs(inputs, settings, web))
    finally:
        web.close()


def rejects(items) -> dict[str, str]:
    return {i.source: i.reason for i in items if isinstance(i, InputError)}


def test_a_feed_is_read_entry_by_entry_with_url_outlet_and_date(site):
    items = read([site.url("/feed.xml")])
    articles = {i.article.url: i.article for i in items if isinstance(i, Fetched)}
    assert set(articles) == {site.url(p) for p in ("/news/storm.html", "/news/storm-copy.html", "/news/red-cross.html")}
    storm = articles[site.url("/news/storm.html")]
    assert storm.id == article_id_for(site.url("/news/storm.html")) == "127.0.0.1-" + \
        f"{site.base.rsplit(':', 1)[1]}-news-storm"
    assert storm.outlet == "The Harbour Courier"  # the page names its site
    assert storm.title.startswith("Storm kills 12")
    assert storm.date == "2025-11-19"  # the server's Last-Modified, as the page has no date of its own
    assert "Twelve people were killed" in storm.text
    assert rejects(items) == {
        site.url("/private/memo.html"): f"disallowed by {site.base}/robots.txt",
        site.url("/news/gone.html"): "HTTP 404 Not Found",
    }
    ua = {h.headers["user-agent"] for h in site.hits}
    assert ua == {USER_AGENT} and USER_AGENT.startswith("crosstally/")


def test_an_atom_feed_and_the_host_as_outlet_when_the_page_names_none(site):
    bare = page("Harbour reopens", ["The harbour of Port Alder reopened to fishing boats on Friday, the port "
                                    "authority said, after divers cleared 14 sunken vessels from the channel."])
    site.routes["/bare.html"] = Route(bare.replace(b'<meta property="og:site_name" content="The Harbour Courier">', b""))
    site.routes["/atom.xml"] = Route(atom([("Harbour reopens", site.url("/bare.html"), "2025-11-21T07:30:00Z")]),
                                     content_type="application/atom+xml", validators=False)
    (item,) = read([site.url("/atom.xml")])
    assert item.article.outlet == "127.0.0.1"
    assert item.article.url == site.url("/bare.html")


def _with(**changes) -> Settings:
    return replace(FAST, **changes)


def test_a_crawl_delay_in_robots_txt_spaces_requests(site):
    site.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain")
    read([site.url("/news/storm.html"), site.url("/news/debris.html"), site.url("/news/red-cross.html")])
    times = [h.at for h in site.hits if h.path.startswith("/news/")]
    assert len(times) == 3 and min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.29


def test_robots_txt_can_be_overridden(site):
    (item,) = read([site.url("/private/memo.html")], _with(robots=False))
    assert isinstance(item, Fetched)
    assert not site.requests_to("/robots.txt")


def test_an_unreachable_robots_txt_closes_the_site(site):
    site.routes["/robots.txt"] = Route(b"down", status=500, content_type="text/plain", validators=False)
    (item,) = read([site.url("/news/storm.html")], _with(retries=0))
    assert "robots.txt" in item.reason and "treated as disallowed" in item.reason


def test_conditional_requests_skip_pages_that_have_not_changed(site, tmp_path):
    out = tmp_path / "out"
    first = run([site.url("/feed.xml")], out, FAST)
    assert len(first.results) == 3 and not first.unchanged
    site.hits.clear()
    second = run([site.url("/feed.xml")], out, FAST)
    assert not second.results and sorted(second.unchanged) == sorted(
        article_id_for(site.url(p)) for p in ("/news/storm.html", "/news/storm-copy.html", "/news/red-cross.html"))
    storm = site.requests_to("/news/storm.html")
    assert len(storm) == 1 and storm[0].status == 304 and storm[0].headers["if-none-match"].startswith('"')
    assert "if-modified-since" in storm[0].headers
    # A page that changes is fetched whole and replaces its older version; the others stay 304.
    site.routes["/news/red-cross.html"] = Route(STORM_2.replace(b"19 people", b"23 people"))
    site.hits.clear()
    third = run([site.url("/feed.xml")], out, FAST)
    assert [r.article.url for r in third.results] == [site.url("/news/red-cross.html")]
    assert {c.value for c in third.results[0].claims if c.measure.value == "killed"} == {23}
    assert sorted(h.status for h in site.hits if h.path.startswith("/news/")) == [200, 304, 304, 404]
    db = sqlite3.connect(out / "crosstally.db")
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_the_rate_limit_spaces_requests_to_one_host(site):
    read([site.url("/feed.xml")], _with(delay=0.25))
    times = [h.at for h in site.hits]
    assert len(times) >= 6  # robots.txt, the feed, five entries (one disallowed: not requested)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.24, gaps


def test_retries_with_backoff_then_success(site):
    site.routes["/flaky.html"] = Route(STORM_3, fail_first=1)
    (item,) = read([site.url("/flaky.html")])
    assert isinstance(item, Fetched)
    assert [h.status for h in site.requests_to("/flaky.html")] == [503, 200]


def test_retry_after_longer_than_a_minute_is_a_reject(site):
    site.routes["/later.html"] = Route(b"busy", status=429, headers={"Retry-After": "3600"}, validators=False)
    (item,) = read([site.url("/later.html")])
    assert item.reason == "HTTP 429 Too Many Requests; the server asks to retry after 3600 s"


def test_every_misbehaviour_is_a_named_reject_and_the_run_goes_on(site, tmp_path):
    site.routes["/slow.html"] = Route(STORM_3, delay=2.5)
    site.routes["/loop-a"] = Route(status=302, headers={"Location": "/loop-b"})
    site.routes["/loop-b"] = Route(status=302, headers={"Location": "/loop-a"})
    for n in range(8):
        site.routes[f"/hop/{n}"] = Route(status=301, headers={"Location": f"/hop/{n + 1}"})
    site.routes["/gigabyte.html"] = Route(endless=True)
    site.routes["/declared.html"] = Route(b"x", declared_length=1_000_000_000, validators=False)
    site.routes["/report.pdf"] = Route(b"%PDF-1.7 ...", content_type="application/pdf")
    site.routes["/bad-feed.xml"] = Route(b"<?xml version='1.0'?><rss><channel><item><title>x</title><link>",
                                         content_type="application/rss+xml")
    site.routes["/not-feed.xml"] = Route(b"hello, world", content_type="application/xml")
    site.routes["/empty.html"] = Route(b"<html><body><nav>Home</nav></body></html>")
    urls = ["/slow.html", "/loop-a", "/hop/0", "/gigabyte.html", "/declared.html", "/report.pdf",
            "/bad-feed.xml", "/not-feed.xml", "/empty.html", "/news/debris.html"]
    report = run([site.url(u) for u in urls] + [str(tmp_path / "nowhere.txt")], tmp_path / "out", FAST)
    got = {r.source: r.reason for r in report.rejects}
    assert got == {
        site.url("/slow.html"): "timed out after 1 s (2 tries)",
        site.url("/loop-a"): f"redirect loop: {site.url('/loop-a')} -> {site.url('/loop-b')} -> {site.url('/loop-a')}",
        site.url("/hop/0"): "more than 5 redirects: " + " -> ".join(site.url(f"/hop/{n}") for n in range(7)),
        site.url("/gigabyte.html"): "response over the 0.2 MB limit; stopped reading",
        site.url("/declared.html"): "response of 1000.0 MB, over the 0.2 MB limit",
        site.url("/report.pdf"): "content type application/pdf, not HTML or a feed",
        site.url("/bad-feed.xml"): got[site.url("/bad-feed.xml")],
        site.url("/not-feed.xml"): "not an RSS or Atom feed",
        site.url("/empty.html"): "HTML page has no article body",
        str(tmp_path / "nowhere.txt"): "no such file",
    }
    assert got[site.url("/bad-feed.xml")].startswith("malformed feed (")
    assert site.sent["/gigabyte.html"] < 5_000_000  # the client hung up long before a gigabyte
    assert [r.article.url for r in report.results] == [site.url("/news/debris.html")]
    assert len(site.requests_to("/slow.html")) == 2  # retried once after the timeout


def test_a_response_that_trickles_in_is_abandoned_at_its_deadline(site):
    site.routes["/drip.html"] = Route(STORM_3 * 3, drip=0.1)  # 20 chunks, one every 0.1 s
    (item,) = read([site.url("/drip.html")], _with(timeout=0.25, retries=0))
    assert item.reason == "still sending after 1 s (1 try)"


def test_a_feed_entry_of_another_type_is_refused_by_type(site):
    site.routes["/feed.xml"] = Route(rss([("pdf", site.url("/report.pdf"), "Wed, 19 Nov 2025 08:00:00 GMT")]),
                                     content_type="application/rss+xml")
    site.routes["/report.pdf"] = Route(b"%PDF", content_type="application/pdf")
    (item,) = read([site.url("/feed.xml")])
    assert item.reason == "content type application/pdf, not HTML"


def test_a_declared_charset_decodes_the_page(site):
    text = page("Café owners count losses", ["The owners of 7 cafés on the quay say the storm destroyed their "
                                              "terraces, and the café association put the damage at €40,000."])
    site.routes["/latin.html"] = Route(text.decode("utf-8").replace('charset="utf-8"', "").encode("cp1252"),
                                       content_type="text/html; charset=windows-1252")
    (item,) = read([site.url("/latin.html")])
    assert "7 cafés" in item.article.text and "€40,000" in item.article.text


def test_a_url_list_and_a_local_feed_file(site, tmp_path):
    listed = tmp_path / "urls.txt"
    listed.write_text(f"# storm coverage\n{site.url('/news/storm.html')}\n\n{site.url('/news/debris.html')}\n")
    local = tmp_path / "saved.rss"
    local.write_bytes(rss([("Red Cross", site.url("/news/red-cross.html"), "Thu, 20 Nov 2025 10:00:00 GMT")]))
    items = read([str(listed), str(local)])
    assert [i.article.url for i in items] == [site.url(p) for p in ("/news/storm.html", "/news/debris.html",
                                                                   "/news/red-cross.html")]
    assert items[2].article.date == "2025-11-20"  # the feed's day wins over the server's Last-Modified
    assert items[0].article.date == "2025-11-19"  # no feed: the Last-Modified


def test_a_url_in_two_feeds_is_fetched_once(site):
    site.routes["/other.xml"] = Route(rss([("Storm", site.url("/news/storm.html"), "Wed, 19 Nov 2025 08:00:00 GMT")]),
                                      content_type="application/rss+xml")
    items = read([site.url("/feed.xml"), site.url("/other.xml")])
    assert sum(isinstance(i, Fetched) for i in items) == 3
    assert len(site.requests_to("/news/storm.html")) == 1


def test_fetcher_returns_not_modified_for_matching_validators(site):
    with Fetcher(FAST) as f:
        first = f.get(site.url("/news/storm.html"), HTML_TYPES)
        assert f.get(site.url("/news/storm.html"), HTML_TYPES, first.validators) == NOT_MODIFIED
    assert first.validators.etag and first.validators.last_modified


def test_near_duplicates_are_linked_and_exact_duplicates_stored_once(site, tmp_path):
    site.routes["/mirror/storm.html"] = Route(STORM_1)  # the same page at another address
    report = run([site.url("/feed.xml"), site.url("/mirror/storm.html")], tmp_path / "out", FAST)
    storm, copy, mirror = (article_id_for(site.url(p)) for p in ("/news/storm.html", "/news/storm-copy.html",
                                                                 "/mirror/storm.html"))
    assert report.duplicates == [(mirror, storm)]
    db = sqlite3.connect(tmp_path / "out" / "crosstally.db")
    assert db.execute("SELECT id, same_as, url FROM duplicates").fetchall() == [(mirror, storm,
                                                                                site.url("/mirror/storm.html"))]
    assert db.execute("SELECT count(*) FROM articles WHERE id = ?", (mirror,)).fetchone()[0] == 0
    links = db.execute("SELECT article_id, other_id FROM near_duplicates ORDER BY 1").fetchall()
    assert links == sorted([(storm, copy), (copy, storm)])
    # The story grouping counts the two copies as one source.
    (story,) = [s for s in report.analysis.stories if storm in s.articles]
    assert sorted([storm, copy]) in [sorted(c) for c in story.copies]
    # Run again: the mirror's validators hold while the article it repeats is stored.
    site.hits.clear()
    again = run([site.url("/mirror/storm.html")], tmp_path / "out", FAST)
    assert again.unchanged == [mirror] and site.requests_to("/mirror/storm.html")[0].status == 304


def test_a_conflict_across_fetched_outlets(site, tmp_path):
    report = run([site.url("/feed.xml")], tmp_path / "out", FAST)
    kinds = {(c["kind"], c["a"]["value"], c["b"]["value"]) for c in report.analysis.conflicts}
    assert ("dispute", 12, 19) in kinds or ("dispute", 19, 12) in kinds
