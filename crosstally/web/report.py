"""report.html: the whole database as one self-contained page that works opened from disk, with no
script and no request: conflicts first, then each story's quantities, then every article."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from crosstally.export import Replacing
from crosstally.web import views
from crosstally.web.render import ReportLinks, environment, report_csp, stylesheet


def render_report(db) -> Iterator[str]:
    """The report, piece by piece: each story and article is read as the page reaches it, so
    memory holds one of them at a time, not the whole page."""
    stories = views.stories(db, per_page=1_000_000)["items"]
    totals = views.totals(db)
    css = stylesheet()
    return environment().get_template("report.html").generate(
        links=ReportLinks(), totals=totals, updated=totals["updated"],
        conflicts=views.conflicts(db, per_page=1_000_000)["items"],
        stories=stories, story_views=(views.story_outline(db, s) for s in stories),
        articles=(views.article(db, a) for a in views.article_ids(db)),
        embedded_css=css, csp=report_csp(css))


def write_report(db, path: str | Path) -> Path:
    """Write report.html beside the other exports; the file is replaced whole, never left half-written."""
    path = Path(path)
    with Replacing(path) as out:
        out.file.writelines(render_report(db))
    return path
