"""RSS and Atom feeds: their entries, each a link to an article to fetch."""
from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin
from xml.sax import SAXException

from crosstally.errors import InputError

log = logging.getLogger(__name__)

# The start of a document that is a feed, whatever it is called.
FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<rss\b|<feed\b|<rdf:RDF\b)", re.S)


@dataclass(frozen=True, slots=True)
class Entry:
    link: str
    title: str | None
    date: str | None  # ISO day the feed gives for the entry


def looks_like_feed(data: bytes) -> bool:
    return bool(FEED_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")))


def parse_feed(data: bytes, source: str, base: str | None = None) -> tuple[list[Entry], InputError | None]:
    """The entries of a feed, in feed order, and the damage found in it, if any: the entries
    before a syntax error are read, as a browser would. Raises InputError when `data` is not a
    feed or no entry could be read."""
    import feedparser

    # Bytes, never a string: feedparser would take a string for a URL or a path and open it.
    parsed = feedparser.parse(bytes(data), response_headers={"content-location": base} if base else None,
                              sanitize_html=False, resolve_relative_uris=False)
    if not parsed.version and not parsed.entries:
        if not looks_like_feed(data):
            raise InputError(source, "not an RSS or Atom feed")
        problem = getattr(parsed, "bozo_exception", None)
        raise InputError(source, f"malformed feed ({_reason(problem)})" if problem else "malformed feed")
    damage = None
    if parsed.bozo and isinstance(parsed.bozo_exception, SAXException):
        damage = InputError(source, f"malformed feed ({_reason(parsed.bozo_exception)}); "
                                    f"{len(parsed.entries)} entries before the error were read")
    elif parsed.bozo:
        log.info("%s: %s", source, _reason(parsed.bozo_exception))
    entries = []
    for e in parsed.entries:
        link = e.get("link") or next((x.get("href") for x in e.get("links", []) if x.get("href")), None)
        if not link:
            log.info("%s: an entry has no link: %r", source, e.get("title"))
            continue
        stamp = e.get("published_parsed") or e.get("updated_parsed")
        day = datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc).date().isoformat() if stamp else None
        entries.append(Entry(urljoin(base or "", link.strip()), (e.get("title") or "").strip() or None, day))
    return entries, damage


def _reason(problem: object) -> str:
    text = str(problem).strip() or type(problem).__name__
    return text.splitlines()[0][:200]
