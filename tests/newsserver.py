"""A real HTTP server on 127.0.0.1 for the source tests: feeds, pages with validators, and every
way a site can misbehave. The articles are written for these tests (a fictional storm)."""
from __future__ import annotations

import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{site}"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>
{paragraphs}
</article><footer>Copyright, all rights reserved.</footer></body></html>"""


def page(title: str, paragraphs: list[str], site: str = "The Harbour Courier") -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return PAGE.format(title=title, site=site, paragraphs=body).encode("utf-8")


STORM_1_BODY = [
    "Twelve people were killed when a storm drove the sea into the harbour district of Port Alder on "
    "Tuesday night, the regional governor's office said on Wednesday.",
    "Governor Elin Marsh told reporters that 40 people had been injured and that rescue crews were still "
    "searching collapsed warehouses along the quay.",
    "The coast guard said it had pulled 85 people from flooded streets overnight, most of them from the "
    "old fish market, where water rose above the first floor within an hour.",
    "Schools across the district will stay closed for the rest of the week while engineers inspect the sea "
    "wall, which gave way in two places.",
]
STORM_1 = page("Storm kills 12 in Port Alder, officials say", STORM_1_BODY)

# The same wire story as STORM_1 with another outlet's headline and closing line.
STORM_1_COPY = page("Port Alder storm: 12 dead as sea wall fails",
                    STORM_1_BODY + ["Our correspondent in the region contributed reporting."], site="Northern Ledger")

STORM_2 = page("Red Cross says Port Alder storm toll higher than officials admit", [
    "The Red Cross said on Wednesday that 19 people had died in the storm that struck Port Alder, well "
    "above the figure given by the regional governor's office.",
    "Volunteers had counted the dead at three makeshift morgues set up in school gymnasiums, a spokesperson "
    "for the aid group, Tomas Reyes, said.",
    "About 2,000 residents have left their homes and are sleeping in sports halls and churches inland, the "
    "Red Cross added.",
])

STORM_3 = page("Port Alder begins clearing debris after deadly storm", [
    "Crews began clearing debris from the harbour of Port Alder on Thursday, two days after a storm that the "
    "governor's office says killed 12 people.",
    "Police said they had arrested 6 people suspected of looting shops in the flooded market district.",
])


def rss(items: list[tuple[str, str, str]], title: str = "Harbour Courier: latest") -> bytes:
    """An RSS 2.0 feed of (title, link, RFC 822 date) items."""
    entries = "".join(f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>"
                      for t, link, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://127.0.0.1/</link><description>news</description>{entries}</channel></rss>").encode()


def atom(items: list[tuple[str, str, str]]) -> bytes:
    """An Atom feed of (title, link, ISO timestamp) entries."""
    entries = "".join(f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id><updated>{d}</updated></entry>'
                      for t, link, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>'
            f"<id>urn:ledger</id><updated>2026-11-18T09:00:00Z</updated>{entries}</feed>").encode()


@dataclass
class Hit:
    path: str
    headers: dict
    at: float
    status: int = 0


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    validators: bool = True      # send ETag and Last-Modified, answer 304 when they match
    delay: float = 0.0           # seconds before the answer starts
    fail_first: int = 0          # answer 503 this many times first
    endless: bool = False        # stream zeros until the client hangs up (no Content-Length)
    drip: float = 0.0            # seconds between 100-byte chunks of the body
    declared_length: int | None = None


class NewsServer:
    """`routes` maps a path to a Route; `hits` records every request in order."""

    def __init__(self, port: int = 0) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.sent: dict[str, int] = {}  # bytes of body written per path
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests_to(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def __enter__(self) -> "NewsServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except (ConnectionResetError, BrokenPipeError):
                    pass  # a client that hung up (as a capped download does)

            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with server._lock:
                    server.hits.append(hit)
                    route = server.routes.get(self.path)
                    if route is not None and route.fail_first > 0:
                        route.fail_first -= 1
                        failing = True
                    else:
                        failing = False
                if route is None:
                    return self._answer(hit, 404, b"not here", "text/plain")
                if route.delay:
                    time.sleep(route.delay)
                if failing:
                    return self._answer(hit, 503, b"busy", "text/plain", {"Retry-After": "0"})
                if route.status in (301, 302, 303, 307, 308):
                    return self._answer(hit, route.status, b"", "text/plain", route.headers)
                headers = dict(route.headers)
                if route.validators and route.status == 200:
                    etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                    headers["ETag"] = etag
                    headers["Last-Modified"] = formatdate(1763542800, usegmt=True)  # Wednesday 2025-11-19
                    if hit.headers.get("if-none-match") == etag:
                        return self._answer(hit, 304, b"", None, headers)
                if route.endless:
                    return self._endless(hit, route)
                body = route.body
                if "gzip" in headers.get("Content-Encoding", ""):
                    body = gzip.compress(body)
                return self._answer(hit, route.status, body, route.content_type, headers, route.drip,
                                    route.declared_length)

            def _answer(self, hit: Hit, status: int, body: bytes, content_type: str | None,
                        headers: dict | None = None, drip: float = 0.0, declared: int | None = None) -> None:
                hit.status = status
                try:
                    self.send_response(status)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(declared if declared is not None else len(body)))
                    self.end_headers()
                    if status == 304:
                        return
                    step = 100 if drip else len(body) or 1
                    for i in range(0, len(body), step):
                        self.wfile.write(body[i:i + step])
                        self.wfile.flush()
                        server.sent[hit.path] = server.sent.get(hit.path, 0) + len(body[i:i + step])
                        if drip:
                            time.sleep(drip)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _endless(self, hit: Hit, route: Route) -> None:
                hit.status = 200
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                chunk = b"<p>" + b"0" * 65_536 + b"</p>"
                try:
                    for _ in range(16_000):  # a gigabyte, unless the client hangs up first
                        self.wfile.write(chunk)
                        server.sent[hit.path] = server.sent.get(hit.path, 0) + len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
