"""Templates and links shared by report.html and `crosstally serve`: Jinja2 with autoescape on, so
article text is always shown as text."""
from __future__ import annotations

import base64
import hashlib
import html
import re
from functools import cache
from importlib import resources
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from crosstally import __version__
from crosstally.web import views
from crosstally.web.charts import fmt, interval_chart, timeline_chart


def anchor(key: str) -> str:
    """An HTML id fragment for any article, story or slot id: letters, digits and - kept, anything
    else written as _hex_, so two ids never share an anchor."""
    return re.sub(r"[^A-Za-z0-9-]", lambda m: f"_{ord(m.group()):x}_", str(key))


class AppLinks:
    """Links between the app's pages."""

    report = False

    def home(self) -> str:
        return "/"

    def story(self, story_id: str) -> str:
        return f"/stories/{quote(story_id, safe='')}"

    def slot(self, slot_id: str) -> str:
        return f"/slots/{quote(slot_id, safe='')}"

    def conflict(self, conflict_id: int) -> str:
        return f"/conflicts/{int(conflict_id)}"

    def article(self, article_id: str, start: int | None = None) -> str:
        url = f"/articles/{quote(article_id, safe='')}"
        return url if start is None else f"{url}#{self.mark_id(article_id, start)}"

    def claimant(self, name: str) -> str | None:
        return f"/claimants/{quote(name, safe='')}"

    def mark_id(self, article_id: str, start: int) -> str:
        return f"c-{int(start)}"


class ReportLinks(AppLinks):
    """Links within the one page of report.html: every target is an anchor."""

    report = True

    def home(self) -> str:
        return "#"

    def story(self, story_id: str) -> str:
        return f"#story-{anchor(story_id)}"

    def slot(self, slot_id: str) -> str:
        return f"#slot-{anchor(slot_id)}"

    def conflict(self, conflict_id: int) -> str:
        return f"#conflict-{int(conflict_id)}"

    def article(self, article_id: str, start: int | None = None) -> str:
        return f"#{self.mark_id(article_id, start)}" if start is not None else f"#article-{anchor(article_id)}"

    def claimant(self, name: str) -> str | None:
        return None  # the report has no claimant pages; the app does

    def mark_id(self, article_id: str, start: int) -> str:
        return f"c-{anchor(article_id)}-{int(start)}"


def noun(n: int, word: str) -> str:
    """The word as it goes with n: figure / figures, discrepancy / discrepancies."""
    if n == 1:
        return word
    return f"{word[:-1]}ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else f"{word}s"


def plural(n: int, word: str) -> str:
    """'1 figure', '3 figures', '2 discrepancies'."""
    return f"{n} {noun(n, word)}"


def marked_text(links: AppLinks, article: dict) -> Markup:
    """An article's text, escaped, with each figure marked in place and linked to its quantity.
    Built here rather than in a template, with the standard library's escaping: a run's report
    holds every article."""
    out = ['<div class="article-text">']
    for seg in article["segments"]:
        c = seg["claim"]
        text = html.escape(seg["text"])
        if c is None:
            out.append(text)
            continue
        note = f"{c['measure']}: {c['who']}; {c['claimant'] or 'the outlet' + chr(39) + 's own voice'}"
        if c["modality"] != "asserted":
            note += f" ({c['modality']})"
        if c["slot"]:
            text = f'<a href="{html.escape(links.slot(c["slot"]))}">{text}</a>'
        out.append(f'<mark class="claim" id="{html.escape(links.mark_id(article["id"], c["start"]))}" '
                   f'title="{html.escape(note)}">{text}</mark>')
    out.append("</div>")
    return Markup("".join(out))


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("crosstally.web", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["anchor"] = anchor
    env.filters["fmt"] = fmt
    env.filters["plural"] = plural
    env.filters["noun"] = noun
    env.filters["quantities"] = views.quantities
    env.globals.update(interval_chart=interval_chart, timeline_chart=timeline_chart, marked_text=marked_text, version=__version__,
                       embedded_css=None, csp=None, updated=None, q=None)
    return env


@cache
def stylesheet() -> str:
    return resources.files("crosstally.web").joinpath("static/style.css").read_text("utf-8")


def report_csp(css: str) -> str:
    """The report's policy: nothing loads, nothing runs; only its own stylesheet (by hash) and inline SVG."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"
