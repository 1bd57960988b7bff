"""Archives of many articles: WARC files (what web crawlers write, Common Crawl's news crawl among
them) and JSON Lines of articles (what news crawlers such as news-please or trafilatura write).

Both are read as streams, one record at a time, so a file of any size costs the memory of one
article. A record that is not an article is a named reject; a damaged or truncated file is a
reject for the file, after every whole record before the damage has been read.
"""
from __future__ import annotations

import gzip
import io
import json
import logging
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from crosstally.errors import InputError
from crosstally.ingest.fetch import HTML_TYPES, media_type
from crosstally.ingest.readers import read_bytes
from crosstally.ingest.web import article_id_for, dated, day_of, with_origin
from crosstally.model import Article
from crosstally.settings import Settings

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
# Records that accompany captures in every crawl and are not captures themselves.
COMPANIONS = {"warcinfo", "request", "metadata", "revisit", "continuation", "conversion"}


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def is_jsonl(path: Path) -> bool:
    return path.name.lower().endswith(JSONL_SUFFIXES)


def _open(path: Path) -> io.BufferedIOBase:
    raw = open(path, "rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    raw.seek(0)
    return raw


def iter_warc(path: Path, settings: Settings) -> Iterator[Article | InputError]:
    """Each HTML response in a WARC or WARC.gz file as an article, with the record's URL and date."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    try:
        with _open(path) as head:
            start = head.read(8)
    except (OSError, EOFError, zlib.error) as e:
        yield InputError(source, f"cannot be read as a WARC file ({_why(e)})")
        return
    if not start.startswith(b"WARC/"):
        yield InputError(source, "not a WARC file (it does not start with a WARC/1.x record)")
        return
    n, end = 0, 0
    try:
        with open(path, "rb") as f:
            records = ArchiveIterator(f, check_digests=True)
            for n, record in enumerate(records, 1):
                item = _warc_record(record, n, path, settings)
                records.read_to_end()
                end = records.get_record_offset() + records.get_record_length()
                if item is not None:
                    yield item
            # warcio ends quietly at a record whose headers were cut off: what follows the last
            # whole record must be nothing (or, uncompressed, the blank lines that close it).
            f.seek(end)
            if f.read(64).strip():
                yield InputError(source, f"damaged or truncated after record {n}: what follows is not a whole "
                                         "record; the records before it were read")
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as e:
        yield InputError(source, f"damaged or truncated after record {n} ({_why(e)}); the records before it were read")


def _warc_record(record, n: int, path: Path, settings: Settings) -> Article | InputError | None:
    kind = record.rec_type
    if kind in COMPANIONS:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    source = f"{path} record {n} ({url or 'no URL'})"
    if kind not in ("response", "resource"):
        return InputError(source, f"WARC record of unknown type {kind!r}")
    # The whole record is read before it is judged: a record cut short says so, whatever it holds.
    body = record.content_stream().read(settings.max_bytes + 1)
    while record.raw_stream.read(1 << 16):
        pass
    if record.raw_stream.limit > 0:
        return InputError(source, "record is truncated: it ends before its declared length")
    if record.digest_checker.passed is False:
        return InputError(source, "record is damaged: its digest does not match its content")
    if kind == "response" and record.http_headers is None:
        return InputError(source, "response record is not an HTTP response")
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status != "200":
            return InputError(source, f"HTTP {status} capture, not a page")
        media, charset = media_type(record.http_headers.get_header("Content-Type"))
    else:
        media, charset = media_type(record.rec_headers.get_header("Content-Type"))
    if media not in HTML_TYPES:
        return InputError(source, f"content type {media or 'not given'}, not HTML")
    if len(body) > settings.max_bytes:
        return InputError(source, f"over the {settings.max_bytes / 1e6:g} MB limit")
    article = read_bytes(body, article_id_for(url) if url else f"{path.name}-{n}", source, settings, html=True,
                         charset=charset, url=url or None)
    if isinstance(article, InputError):
        return article
    return dated(with_origin(article, url), day_of(record.rec_headers.get_header("WARC-Date")))


# Field names news crawlers use for each part of an article, most specific first.
TEXT_FIELDS = ("text", "maintext", "main_text", "body", "content", "article_text", "raw_text")
HTML_FIELDS = ("html", "raw_html", "content_html")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("date", "date_publish", "published", "publish_date", "published_at", "datePublished", "pubdate",
               "date_modify", "date_download")
URL_FIELDS = ("url", "link", "source_url", "canonical_url")
OUTLET_FIELDS = ("outlet", "sitename", "site_name", "source_domain", "hostname", "publisher", "source")
ID_FIELDS = ("id", "article")


def iter_jsonl(path: Path, settings: Settings) -> Iterator[Article | InputError]:
    """Each line of a JSON Lines file (optionally gzipped) as an article."""
    source = str(path)
    n = 0
    try:
        with _open(path) as raw:
            for n, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8", errors="strict"), 1):
                if line.strip():
                    yield article_from_record(line, f"{path}:{n}", f"{path.stem.removesuffix('.jsonl')}-{n}",
                                              settings)
    except UnicodeDecodeError as e:
        yield InputError(f"{path}:{n + 1}", f"invalid UTF-8 at byte {e.start} of the line; reading stopped there")
    except (OSError, EOFError, zlib.error) as e:
        yield InputError(source, f"damaged or truncated after line {n} ({_why(e)}); the lines before it were read")


def _first(row: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def article_from_record(line: str, source: str, fallback_id: str, settings: Settings) -> Article | InputError:
    """An article from one crawler record (a JSON object), or the reason it is not one."""
    if len(line) > settings.max_bytes:
        return InputError(source, f"too large: over the {settings.max_bytes / 1e6:g} MB limit")
    try:
        row = json.loads(line)
    except json.JSONDecodeError as e:
        return InputError(source, f"not JSON ({e.msg} at column {e.colno})")
    if not isinstance(row, dict):
        return InputError(source, f"a JSON {type(row).__name__}, not an object")
    url = _first(row, URL_FIELDS)
    key = _first(row, ID_FIELDS)
    article_id = key if key else article_id_for(url) if url else fallback_id
    title = _first(row, TITLE_FIELDS)
    text = _first(row, TEXT_FIELDS)
    if text is not None:
        # The headline leads the text, as it does for a page, so figures in it are found.
        if title and not text.startswith(title):
            text = f"{title}\n\n{text}"
        article = read_bytes((text + "\n").encode("utf-8"), article_id, source, settings, html=False)
    elif (html := _first(row, HTML_FIELDS)) is not None:
        article = read_bytes(html.encode("utf-8"), article_id, source, settings, html=True, url=url)
    else:
        return InputError(source, "no article text (none of the fields " + ", ".join(TEXT_FIELDS + HTML_FIELDS) + ")")
    if isinstance(article, InputError):
        return article
    article = replace(article, title=article.title or title)
    outlet = _first(row, OUTLET_FIELDS)
    article = replace(article, outlet=outlet or article.outlet)
    return dated(with_origin(article, url), day_of(_first(row, DATE_FIELDS)), prefer=True)


def _why(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:160]
