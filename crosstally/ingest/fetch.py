"""A well-behaved HTTP client: what crosstally fetches from the web, and how politely.

Every request goes through `Fetcher.get`, which
- asks robots.txt first (RFC 9309: a missing robots.txt allows everything, an unreachable one
  disallows the site) and waits the host's delay between requests (ours, or the site's
  Crawl-delay when that is longer);
- follows at most `max_redirects` redirects, itself, so each hop is checked the same way, and
  names a redirect loop as such;
- retries connection failures, timeouts and the transient statuses (429, 500, 502, 503, 504)
  with exponential backoff, honouring Retry-After;
- stops reading a body at the size cap (declared or not: a gzip bomb is capped after decoding)
  and abandons a response that trickles in for longer than its deadline;
- sends the ETag and Last-Modified of the last fetch, so an unchanged page costs a 304;
- refuses content types the caller did not ask for, with the type named.

Failures are `InputError`s that name the URL and the reason.
"""
from __future__ import annotations

import email.utils
import logging
import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

from crosstally import __version__
from crosstally.errors import InputError
from crosstally.model import Validators
from crosstally.settings import Settings

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

USER_AGENT = f"crosstally/{__version__} (+https://pypi.org/project/crosstally/; reported-figure extraction)"
ROBOTS_TOKEN = "crosstally"
TRANSIENT = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 60.0  # seconds: a server asking for a longer wait gets a reject, not a stall
ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to parse at least 500 KiB

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                        "text/xml"})


@dataclass(frozen=True, slots=True)
class Page:
    url: str               # the URL asked for
    final_url: str         # after redirects
    content_type: str      # media type, lower case, without parameters
    charset: str | None
    body: bytes
    validators: Validators
    date: str | None = None  # the Last-Modified day, ISO, when the server sent one


NOT_MODIFIED = "not modified"


def is_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in text.strip())


def normalise(url: str) -> str:
    """The URL without its fragment, scheme and host in lower case."""
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower(), path=parts.path or "/").geturl()


def media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    kind, _, params = header.partition(";")
    charset = None
    for p in params.split(";"):
        k, _, v = p.strip().partition("=")
        if k.lower() == "charset" and v:
            charset = v.strip("\"' ").lower()
    return kind.strip().lower(), charset


def _http_day(header: str | None) -> str | None:
    try:
        return email.utils.parsedate_to_datetime(header).date().isoformat() if header else None
    except (TypeError, ValueError):
        return None


class Fetcher:
    """One HTTP client for a run: connections, robots.txt rules and host delays are shared."""

    def __init__(self, settings: Settings, sleep=time.sleep, clock=time.monotonic) -> None:
        import httpx  # here, not at the top: a run that reads only files never pays for it

        self.settings = settings
        self._sleep = sleep
        self._clock = clock
        self._client = httpx.Client(
            headers={"User-Agent": settings.user_agent or USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(settings.timeout), follow_redirects=False)
        self._robots: dict[str, object] = {}   # origin -> protego.Protego, or a reason the site is closed
        self._next_at: dict[str, float] = {}  # host -> earliest time of its next request
        self.requests = 0

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, accept: frozenset[str], validators: Validators | None = None) -> Page | str:
        """The page at `url`, or NOT_MODIFIED when `validators` still hold. Raises InputError."""
        url = normalise(url)
        seen = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            self._allowed(current, source=url)
            headers = {}
            if validators is not None and current == url:
                if validators.etag:
                    headers["If-None-Match"] = validators.etag
                if validators.last_modified:
                    headers["If-Modified-Since"] = validators.last_modified
            response, body = self._request(current, headers, source=url)
            if response.status_code == 304 and validators is not None:
                return NOT_MODIFIED
            if response.is_redirect:
                target = response.headers.get("Location")
                if not target:
                    raise InputError(url, f"HTTP {response.status_code} redirect without a Location")
                target = normalise(urljoin(current, target))
                if not is_url(target):
                    raise InputError(url, f"redirects to {target}, which is not an http(s) URL")
                if target in seen:
                    raise InputError(url, "redirect loop: " + " -> ".join(seen + [target]))
                seen.append(target)
                current = target
                continue
            if response.status_code != 200:
                raise InputError(url, f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            kind, charset = media_type(response.headers.get("Content-Type"))
            if kind and kind not in accept:
                raise InputError(url, f"content type {kind}, not " + " or ".join(
                    ["HTML"] * bool(accept & HTML_TYPES) + ["a feed"] * bool(accept & FEED_TYPES)))
            return Page(url, current, kind, charset, body,
                        Validators(url, response.headers.get("ETag"), response.headers.get("Last-Modified")),
                        _http_day(response.headers.get("Last-Modified")))
        raise InputError(url, f"more than {self.settings.max_redirects} redirects: " + " -> ".join(seen))

    # -- one request, retried -------------------------------------------------------------------

    def _request(self, url: str, headers: dict, source: str, limit: int | None = None) -> tuple[httpx.Response, bytes]:
        import httpx

        tries = self.settings.retries + 1
        for attempt in range(tries):
            self._wait_turn(url)
            try:
                response, body = self._read(url, headers, source, limit)
            except (httpx.TimeoutException, _Deadline) as e:
                problem = f"timed out after {self.settings.timeout:g} s" if isinstance(e, httpx.TimeoutException) \
                    else str(e)
                wait = None
            except httpx.TransportError as e:
                problem = f"cannot connect ({type(e).__name__}: {e})" if isinstance(e, httpx.ConnectError) \
                    else f"connection failed ({type(e).__name__})"
                wait = None
            else:
                if response.status_code not in TRANSIENT:
                    return response, body
                problem = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                wait = _retry_after(response.headers.get("Retry-After"))
                if wait is not None and wait > MAX_RETRY_AFTER:
                    raise InputError(source, f"{problem}; the server asks to retry after {wait:.0f} s")
            if attempt + 1 == tries:
                break
            delay = wait if wait is not None else self.settings.backoff * 2 ** attempt * (1 + random.random() / 4)
            log.info("%s: %s; retrying in %.1f s", url, problem, delay)
            self._sleep(delay)
        raise InputError(source, f"{problem} ({tries} {'try' if tries == 1 else 'tries'})")

    def _read(self, url: str, headers: dict, source: str, limit: int | None) -> tuple[httpx.Response, bytes]:
        limit = limit or self.settings.max_bytes
        deadline = self._clock() + self.settings.timeout * 4
        self.requests += 1
        with self._client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise InputError(source, f"response of {int(declared) / 1e6:.1f} MB, over the "
                                         f"{limit / 1e6:g} MB limit")
            if response.status_code != 200:
                return response, b""
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise InputError(source, f"response over the {limit / 1e6:g} MB limit; stopped reading")
                chunks.append(chunk)
                if self._clock() > deadline:
                    raise _Deadline(f"still sending after {self.settings.timeout * 4:g} s")
            return response, b"".join(chunks)

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        now = self._clock()
        at = self._next_at.get(host, now)
        if at > now:
            self._sleep(at - now)
        self._next_at[host] = max(at, now) + self._delay(url)

    def _delay(self, url: str) -> float:
        rules = self._robots.get(_origin(url))
        crawl_delay = rules.crawl_delay(ROBOTS_TOKEN) if rules is not None and not isinstance(rules, str) else None
        return max(self.settings.delay, min(float(crawl_delay or 0), MAX_RETRY_AFTER))

    # -- robots.txt -----------------------------------------------------------------------------

    def _allowed(self, url: str, source: str) -> None:
        if not self.settings.robots:
            return
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, str):
            raise InputError(source, rules, hint="--no-robots fetches anyway, if you have the site's permission")
        if not rules.can_fetch(url, ROBOTS_TOKEN):
            raise InputError(source, f"disallowed by {origin}/robots.txt",
                             hint="--no-robots fetches anyway, if you have the site's permission")

    def _load_robots(self, origin: str):
        from protego import Protego

        where = f"{origin}/robots.txt"
        try:
            response, body = self._request(where, {}, source=where, limit=ROBOTS_MAX_BYTES)
            for _ in range(self.settings.max_redirects):
                if not response.is_redirect or not response.headers.get("Location"):
                    break
                response, body = self._request(urljoin(where, response.headers["Location"]), {}, source=where,
                                               limit=ROBOTS_MAX_BYTES)
        except InputError as e:
            if "MB limit" in e.reason:  # an oversized robots.txt: RFC 9309 parses its first 500 KiB
                return Protego.parse("")
            return f"robots.txt could not be read ({e.reason}), so the site is treated as disallowed"
        if 400 <= response.status_code < 500:
            return Protego.parse("")  # no robots.txt: everything is allowed
        if response.status_code != 200:
            return f"{where} answered HTTP {response.status_code}, so the site is treated as disallowed"
        return Protego.parse(body.decode("utf-8", "replace"))


class _Deadline(Exception):
    pass


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _retry_after(header: str | None) -> float | None:
    if not header:
        return None
    if header.strip().isdigit():
        return float(header.strip())
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
