"""Articles from the web: a URL, a file of URLs, or a feed whose entries are fetched in turn.

An article read from a URL keeps that URL, is named by it (the same URL is the same article, run
after run, so a changed page replaces its older version), and has the outlet its page names, or the
URL's host when the page names none. Each fetch carries the validators of the last one, so a page
that has not changed since is not fetched again.
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from crosstally.dates import parse_date
from crosstally.errors import InputError
from crosstally.ingest.feeds import Entry, looks_like_feed, parse_feed
from crosstally.ingest.fetch import FEED_TYPES, HTML_TYPES, NOT_MODIFIED, Fetcher, is_url, normalise
from crosstally.ingest.readers import host_name, read_bytes
from crosstally.model import Article, Validators
from crosstally.settings import Settings

log = logging.getLogger(__name__)

MAX_ID = 80


@dataclass(frozen=True, slots=True)
class Unchanged:
    """An input that is already stored as it is: a 304, or the same text as before."""

    source: str
    article_id: str


@dataclass(frozen=True, slots=True)
class Fetched:
    """An article read from the web, with what lets the next run ask whether it has changed."""

    article: Article
    validators: Validators


def article_id_for(url: str) -> str:
    """A readable id that is the same for the same URL: host and path, with a short hash of the
    URL when the path alone would not tell two URLs apart (a query, or a cut)."""
    parts = urlsplit(normalise(url))
    host = parts.netloc.removeprefix("www.")
    path = re.sub(r"(?:/index)?\.(?:s?html?|php|aspx?)$", "", parts.path.rstrip("/"), flags=re.I)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{host}{path}").strip("-.")
    if parts.query or len(slug) > MAX_ID:
        digest = hashlib.sha1(normalise(url).encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[:MAX_ID - 9].rstrip('-.')}-{digest}"
    return slug


def outlet_of(url: str) -> str | None:
    return host_name(urlsplit(url).netloc)


def day_of(text: str | None) -> str | None:
    day = parse_date(text)
    return day.isoformat() if day else None


def with_origin(article: Article, url: str | None) -> Article:
    """The article with its URL, and the URL's host as its outlet when nothing better is known."""
    if not url:
        return article
    return replace(article, url=url, outlet=article.outlet or outlet_of(url))


def dated(article: Article, day: str | None, prefer: bool = False) -> Article:
    """The article with `day` as its date: where it has none, or always when `prefer`."""
    if day and (prefer or not article.date):
        return replace(article, date=day)
    return article


class Web:
    """Reads URLs and feeds through one fetcher; `known(url)` gives the validators of the stored
    version of a page, when there is one."""

    def __init__(self, settings: Settings, known: Callable[[str], Validators | None] = lambda url: None,
                 fetcher: Fetcher | None = None) -> None:
        self.settings = settings
        self.known = known
        self._fetcher = fetcher
        self.done: set[str] = set()  # URLs read in this run: a URL in two feeds is fetched once

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def read_url(self, url: str) -> Iterator[Fetched | Unchanged | InputError]:
        """A page, or every entry of a feed: whatever `url` turns out to be."""
        url = normalise(url)
        if url in self.done:
            return
        self.done.add(url)
        try:
            page = self.fetcher.get(url, HTML_TYPES | FEED_TYPES, self.known(url))
        except InputError as e:
            yield e
            return
        if page == NOT_MODIFIED:
            yield Unchanged(url, article_id_for(url))
        elif page.content_type in FEED_TYPES or (page.content_type not in HTML_TYPES and looks_like_feed(page.body)):
            yield from self.read_feed(page.body, url, base=page.final_url)
        else:
            yield self._article(page)

    def read_feed(self, data: bytes, source: str, base: str | None = None) -> Iterator[Fetched | Unchanged | InputError]:
        """Every entry of a feed, fetched as an article (its date and title from the feed when the
        page gives none)."""
        try:
            entries, damage = parse_feed(data, source, base)
        except InputError as e:
            yield e
            return
        log.info("%s: %d entries", source, len(entries))
        for entry in dict((e.link, e) for e in entries).values():
            yield from self._entry(entry, source)
        if damage is not None:
            yield damage

    def _entry(self, entry: Entry, feed: str) -> Iterator[Fetched | Unchanged | InputError]:
        if not is_url(entry.link):
            yield InputError(f"{feed} entry {entry.link!r}", "link is not an http(s) URL")
            return
        url = normalise(entry.link)
        if url in self.done:
            return
        self.done.add(url)
        try:
            page = self.fetcher.get(url, HTML_TYPES, self.known(url))
        except InputError as e:
            yield e
            return
        if page == NOT_MODIFIED:
            yield Unchanged(url, article_id_for(url))
            return
        item = self._article(page, entry.date)
        if isinstance(item, Fetched):
            item = Fetched(replace(item.article, title=item.article.title or entry.title), item.validators)
        yield item

    def _article(self, page, day: str | None = None) -> Fetched | InputError:
        """The article a page holds. Its date is the page's own, else `day` (a feed entry's),
        else the server's Last-Modified, which many sites set to the time of the request."""
        article = read_bytes(page.body, article_id_for(page.url), page.url, self.settings, html=True,
                             charset=page.charset, url=page.final_url)
        if isinstance(article, InputError):
            return article
        return Fetched(dated(with_origin(article, page.final_url), day or page.date), page.validators)


def read_url_list(text: str) -> list[str] | None:
    """The URLs of a URL list (one per line; blank lines and # comments allowed), or None when
    the text is not one."""
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            return None
        urls.append(line)
    return urls or None
