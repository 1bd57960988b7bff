"""WARC files and JSON Lines of articles, written by the tests (warcio writes the WARCs)."""
from __future__ import annotations

import gzip
import io
import json
import random

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crosstally.errors import InputError
from crosstally.ingest import dedup
from crosstally.ingest.sources import iter_inputs
from crosstally.runner import run
from crosstally.settings import Settings
from tests.newsserver import STORM_1, STORM_2, STORM_3

S = Settings()


def response(writer: WARCWriter, url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
             status: str = "200 OK", date: str = "2025-11-19T10:15:00Z"):
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": date})


def write_warc(path, records, gz=True) -> None:
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "crosstally tests"}))
        for make in records:
            w.write_record(make(w))


def news_warc(path, gz=True) -> None:
    write_warc(path, [
        lambda w: w.create_warc_record("https://courier.example/storm", "request",
                                       payload=io.BytesIO(b"GET /storm HTTP/1.1\r\nHost: courier.example\r\n\r\n"),
                                       warc_content_type="application/http; msgtype=request"),
        lambda w: response(w, "https://courier.example/storm", STORM_1),
        lambda w: response(w, "https://aid.example/red-cross", STORM_2.replace(b"og:site_name", b"og:nothing")),
        lambda w: response(w, "https://courier.example/photo.jpg", b"\xff\xd8\xff", "image/jpeg"),
        lambda w: response(w, "https://courier.example/old", b"moved", "text/html", status="301 Moved Permanently"),
        lambda w: w.create_warc_record("dns:courier.example", "resource", payload=io.BytesIO(b"10.0.0.1"),
                                       warc_content_type="text/dns"),
        lambda w: w.create_warc_record("ftp://files.example/notes.html", "response",
                                       payload=io.BytesIO(b"<html>not over http</html>"),
                                       warc_content_type="application/octet-stream"),
        lambda w: response(w, "https://courier.example/debris", STORM_3, date="2025-11-20T08:00:00Z"),
    ], gz)


def split(items):
    items = list(items)
    return [i for i in items if not isinstance(i, InputError)], {i.source: i.reason for i in items
                                                                  if isinstance(i, InputError)}


def test_warc_html_responses_become_articles_with_url_and_date(tmp_path):
    for gz in (True, False):
        path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
        news_warc(path, gz)
        articles, rejects = split(iter_inputs([str(path)], S))
        assert [a.url for a in articles] == ["https://courier.example/storm", "https://aid.example/red-cross",
                                             "https://courier.example/debris"]
        storm, aid, debris = articles
        assert storm.id == "courier.example-storm" and storm.outlet == "The Harbour Courier"
        assert aid.outlet == "aid.example"  # no site name in the page: the host
        assert debris.date == "2025-11-20"  # the record's date, as the page has none
        assert rejects == {
            f"{path} record 5 (https://courier.example/photo.jpg)": "content type image/jpeg, not HTML",
            f"{path} record 6 (https://courier.example/old)": "HTTP 301 capture, not a page",
            f"{path} record 7 (dns:courier.example)": "content type text/dns, not HTML",
            f"{path} record 8 (ftp://files.example/notes.html)": "response record is not an HTTP response",
        }


def test_a_truncated_warc_keeps_the_records_before_the_damage(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    news_warc(whole)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    # The last member loses its end: its headers are whole, its payload is not.
    cut.write_bytes(data[:len(data) - 200])
    articles, rejects = split(iter_inputs([str(cut)], S))
    assert [a.url for a in articles] == ["https://courier.example/storm", "https://aid.example/red-cross"]
    assert rejects[f"{cut} record 9 (https://courier.example/debris)"] == \
        "record is truncated: it ends before its declared length"
    # Cut inside the headers of the next record: warcio stops quietly there; we do not.
    cut.write_bytes(data[:1500])
    articles, rejects = split(iter_inputs([str(cut)], S))
    assert [a.url for a in articles] == ["https://courier.example/storm"]
    assert rejects == {str(cut): "damaged or truncated after record 3: what follows is not a whole record; "
                                 "the records before it were read"}
    # Uncompressed, cut inside a payload.
    plain = tmp_path / "plain.warc"
    news_warc(plain, gz=False)
    plain.write_bytes(plain.read_bytes()[:1500])
    articles, rejects = split(iter_inputs([str(plain)], S))
    assert articles == [] and list(rejects.values()) == ["record is truncated: it ends before its declared length"]


def test_files_that_are_not_warcs(tmp_path):
    text = tmp_path / "notes.warc"
    text.write_text("hello, this is not an archive\n")
    gz = tmp_path / "broken.warc.gz"
    gz.write_bytes(b"\x1f\x8b\x08\x00garbage")
    _, rejects = split(iter_inputs([str(text), str(gz)], S))
    assert rejects[str(text)] == "not a WARC file (it does not start with a WARC/1.x record)"
    assert rejects[str(gz)].startswith("cannot be read as a WARC file (")


def test_a_warc_run_stores_articles_and_rejects(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    news_warc(path)
    report = run([str(path)], tmp_path / "out", S)
    assert len(report.results) == 3 and len(report.rejects) == 4
    assert any(c.value == 19 for r in report.results for c in r.claims)


def crawler_lines() -> list[str]:
    body = STORM_3.decode()
    return [
        # news-please
        json.dumps({"title": "Port Alder counts its dead", "maintext": "Officials in Port Alder said 12 people died "
                    "in the storm, and 40 were injured.", "date_publish": "2025-11-19 09:12:00",
                    "url": "https://ledger.example/port-alder", "source_domain": "ledger.example"}),
        # trafilatura's JSON output
        json.dumps({"title": "Aid group raises toll", "text": "The Red Cross said 19 people died in Port Alder.",
                    "date": "2025-11-19", "url": "https://aid.example/toll", "hostname": "aid.example",
                    "sitename": "Aid Bulletin"}),
        "",
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"title": "No text at all", "url": "https://ledger.example/empty"}),
        json.dumps({"html": body, "url": "https://courier.example/debris"}),
    ]


def test_json_lines_of_articles_from_news_crawlers(tmp_path):
    plain = tmp_path / "crawl.jsonl"
    plain.write_text("\n".join(crawler_lines()) + "\n", encoding="utf-8")
    packed = tmp_path / "crawl2.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    for path in (plain, packed):
        articles, rejects = split(iter_inputs([str(path)], S))
        ledger, aid, courier = articles
        assert (ledger.id, ledger.outlet, ledger.date, ledger.url) == (
            "ledger.example-port-alder", "ledger.example", "2025-11-19", "https://ledger.example/port-alder")
        assert ledger.text.startswith("Port Alder counts its dead\n\nOfficials in Port Alder")
        assert (aid.outlet, aid.title) == ("Aid Bulletin", "Aid group raises toll")
        assert courier.outlet == "The Harbour Courier" and courier.format == "html"
        assert rejects == {
            f"{path}:4": "not JSON (Expecting property name enclosed in double quotes at column 2)",
            f"{path}:5": "a JSON list, not an object",
            f"{path}:6": "no article text (none of the fields text, maintext, main_text, body, content, "
                         "article_text, raw_text, html, raw_html, content_html)",
        }


def test_a_truncated_jsonl_gz_keeps_the_lines_before(tmp_path):
    packed = gzip.compress(("\n".join(crawler_lines()) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[:-30])
    items = list(iter_inputs([str(path)], S))
    assert isinstance(items[0], type(items[1])) and not isinstance(items[0], InputError)
    assert isinstance(items[-1], InputError) and "damaged or truncated after line" in items[-1].reason


def test_exact_duplicates_are_stored_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = "Officials in Port Alder said 12 people died in the storm, and 40 people were injured.\n"
    (folder / "a.txt").write_text(text)
    (folder / "b.txt").write_text(text)
    report = run([str(folder)], tmp_path / "out", S)
    assert [r.article.id for r in report.results] == ["a"] and report.duplicates == [("b", "a")]
    assert report.total_claims == 2
    # When the original changes, the duplicate's text is no longer stored: the next run reads it again.
    (folder / "a.txt").write_text(text.replace("12", "14"))
    again = run([str(folder)], tmp_path / "out", S)
    assert sorted(r.article.id for r in again.results) == ["a", "b"] and not again.duplicates


def _text(words: list[str]) -> str:
    return " ".join(words)


def test_minhash_estimates_the_overlap_of_copies():
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    for shared_share in (0.2, 0.5, 0.8, 1.0):
        base = [rng.choice(vocab) for _ in range(400)]
        keep = int(len(base) * shared_share)
        a = base
        b = base[:keep] + [rng.choice(vocab) for _ in range(len(base) - keep)]
        fa, fb = dedup.fingerprint(_text(a)), dedup.fingerprint(_text(b))
        exact = len(_grams(a) & _grams(b)) / min(len(_grams(a)), len(_grams(b)))
        assert abs(fa.overlap(fb) - exact) < 0.12, (shared_share, fa.overlap(fb), exact)
        assert (len(set(fa.bands) & set(fb.bands)) > 0) == (exact >= 0.5) or 0.35 < exact < 0.65


def _grams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


def test_fingerprints_are_the_same_in_every_process():
    fp = dedup.fingerprint("The storm killed twelve people in the harbour district on Tuesday night.")
    assert fp.grams == 8
    assert fp.bands[0] == dedup.fingerprint("the STORM killed twelve people in the harbour district on "
                                            "Tuesday night").bands[0]
    assert dedup.Fingerprint.from_bytes(fp.to_bytes(), fp.grams).overlap(fp) == 1.0
