"""The report and the web app in a real browser: Debian's Chromium driven by Playwright, the app served
by uvicorn in its own process on 127.0.0.1, and the API exercised by schemathesis from its OpenAPI."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.conftest import ROOT
from tests.webdata import HOSTILE_NAME, run_with_hostile

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Where the screenshots go; the README points here.
SHOTS = Path(os.environ.get("CROSSTALLY_SCREENSHOTS", ROOT / "build" / "screenshots"))
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return run_with_hostile(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def server(run_dir):
    """`crosstally serve` in its own process, as a user starts it; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(run_dir.parent / "serve.log", "wb")  # noqa: SIM115 - closed when the server stops
    proc = subprocess.Popen([sys.executable, "-c", "from crosstally.cli import main; main()", "serve", str(run_dir),
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/openapi.json", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"crosstally serve did not start: {_read(run_dir.parent / 'serve.log')}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def _read(path: Path) -> str:
    return path.read_text("utf-8", errors="replace")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Watch:
    """What a page did: console errors, uncaught exceptions, dialogs, and every request it made."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def assert_clean(self, allowed) -> None:
        assert not self.errors, self.errors
        assert not self.dialogs, f"article text ran as script: {self.dialogs}"
        strays = [u for u in self.requests if not allowed(u)]
        assert not strays, f"requests left the page's origin: {strays}"


def _page(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    return context, page, Watch(page)


def _assert_charts(page) -> None:
    charts = page.locator("svg.interval-chart")
    assert charts.count() >= 1
    box = charts.first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 40
    assert page.locator("svg.interval-chart circle").count() >= 1


def _assert_nothing_ran(page) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('script, iframe, img[onerror], [onload], [onmouseover]').length") == 0
    # Hovering the words where an injected handler would sit must not run it either.
    spot = page.get_by_text("onmouseover", exact=False)
    if spot.count():
        spot.first.hover()
    assert page.evaluate("typeof window.__pwned") == "undefined"


def _assert_on_highlighted_sentence(page, quote_text: str) -> None:
    target = page.locator("mark.claim:target")
    assert target.count() == 1
    assert target.inner_text() == quote_text
    assert target.is_visible()
    box, view = target.bounding_box(), page.viewport_size
    assert box and 0 <= box["y"] < view["height"], "the figure is scrolled into view"
    colour = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")


def test_report_from_disk_story_to_slot_to_conflict_to_sentence(browser, run_dir):
    report = (run_dir / "report.html").resolve()
    context, page, watch = _page(browser, 1280)
    page.goto(report.as_uri())
    _assert_charts(page)
    page.locator("a.to-story").first.click()
    story = page.locator("section.story:target")
    assert story.count() == 1
    story.locator("a.to-slot").first.click()
    slot = page.locator("section.slot:target")
    assert slot.count() == 1 and slot.locator("svg.interval-chart").count() == 1
    slot.locator("a.to-conflict").first.click()
    card = page.locator("article.conflict:target")
    assert card.count() == 1 and card.locator("blockquote mark").count() == 2
    quote_text = card.locator(".side").first.locator("blockquote mark").inner_text()
    card.locator("a.to-sentence").first.click()
    _assert_on_highlighted_sentence(page, quote_text)
    _assert_nothing_ran(page)
    watch.assert_clean(lambda u: u.startswith(report.as_uri()) or u.startswith("data:"))
    context.close()


def test_app_story_to_slot_to_conflict_to_sentence(browser, server):
    context, page, watch = _page(browser, 1280)
    page.goto(server + "/")
    assert page.locator("article.conflict").count() >= 1, "the front page opens on the conflicts"
    page.locator("a.to-story").first.click()
    assert urlparse(page.url).path.startswith("/stories/")
    _assert_charts(page)
    page.locator("a.to-slot").first.click()
    assert urlparse(page.url).path.startswith("/slots/")
    _assert_charts(page)
    card = page.locator("article.conflict").first
    quote_text = card.locator(".side").first.locator("blockquote mark").inner_text()
    card.locator("a.to-sentence").first.click()
    assert urlparse(page.url).path.startswith("/articles/")
    _assert_on_highlighted_sentence(page, quote_text)
    # The claimant's page and search, through their forms and links.
    page.goto(server + "/claims")
    page.locator("select[name=measure]").select_option("killed")
    page.locator(".filters button").click()
    assert "measure=killed" in page.url and page.locator("table.claims tbody tr").count() >= 1
    page.locator("table.claims tbody a[href^='/claimants/']").first.click()
    assert urlparse(page.url).path.startswith("/claimants/")
    page.locator("input[type=search]").fill("Derna")
    page.locator("header form button").click()
    assert page.locator("li mark").count() >= 1
    watch.assert_clean(lambda u: u.startswith(server + "/"))
    context.close()


def test_hostile_article_runs_nothing_in_report_or_app(browser, run_dir, server):
    context, page, watch = _page(browser, 1280)
    page.goto((run_dir / "report.html").resolve().as_uri())
    _assert_nothing_ran(page)
    assert page.get_by_text("<script>window.__pwned", exact=False).count() >= 1
    article = server + "/articles/" + quote(HOSTILE_NAME, safe="")
    for url in (article, server + "/", server + "/claims", server + "/search?q=depot",
                server + "/claimants/" + quote("<", safe="")):
        response = page.goto(url)
        assert response.status in (200, 404), url
        _assert_nothing_ran(page)
    page.goto(article)
    assert page.locator("h1").inner_text().startswith("Depot fire <script>")
    link = page.get_by_text("the local radio", exact=False)
    assert link.count() >= 1 and page.locator("a[href^='javascript:']").count() == 0
    watch.assert_clean(lambda u: u.startswith(server + "/") or u.startswith("file://"))
    context.close()


def test_screenshots_at_desktop_and_phone_widths(browser, run_dir, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    report = (run_dir / "report.html").resolve().as_uri()
    story = _first_story(server)
    views = {"report": report, "report-slot": report + "#slot-S1_2e_1", "app": server + "/",
             "app-story": f"{server}/stories/{story}"}
    for width in WIDTHS:
        context, page, watch = _page(browser, width)
        for name, url in views.items():
            page.goto(url)
            if name != "app":
                _assert_charts(page)
            # Nothing overflows the viewport sideways (tables scroll within their own box).
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, width)
            path = SHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
        watch.assert_clean(lambda u: u.startswith(server + "/") or u.startswith(report))
        context.close()


def _first_story(server: str) -> str:
    import json

    with urllib.request.urlopen(server + "/stories.json") as r:
        return json.load(r)["items"][0]["id"]


def test_api_holds_under_requests_generated_from_its_openapi(server, run_dir):
    """Requests generated from /openapi.json against the running app, with every check schemathesis
    has by default: never a 5xx, every status and body as the schema promises, invalid input refused.
    (Hypothesis is driven here per operation: schemathesis' pytest plugin does not run on pytest 9.)"""
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    failures, operations, calls = [], 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        # Valid requests, then requests that break the schema on purpose (those must get a 4xx).
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            def check(case) -> None:
                calls.append(case.call_and_validate().status_code)

            try:
                check()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # nothing in it can be made invalid
            except BaseException as e:  # noqa: B036 - schemathesis raises groups; all are reported together
                failures.append(f"{operation.label} ({mode.value}): {e}")
    assert operations >= 11 and len(calls) >= 500
    statuses = Counter(calls)
    assert statuses[200] and statuses[422], statuses
    assert not failures, "\n\n".join(failures) + "\n\nserver log:\n" + _read(run_dir.parent / "serve.log")[-5000:]
