"""Articles with hostile text for the report and web app tests, written here for the tests."""
from __future__ import annotations

from pathlib import Path

# Every payload sets window.__pwned or opens a dialog if it ever runs.
HOSTILE_TITLE = 'Depot fire <script>window.__pwned = "title"; alert(1)</script> kills 12'
HOSTILE_TEXT = f"""{HOSTILE_TITLE}

Officials said 12 people were killed <img src=x onerror="window.__pwned='img'; alert(2)"> when fire swept through a fuel depot on 3 May 2024.

The regional governor <b onmouseover="window.__pwned='hover'">Ana Ruiz</b> said at least 15 people had died, according to <a href="javascript:window.__pwned='link'">the local radio</a>.

Firefighters said 40 people were injured. <svg onload="window.__pwned='svg'"></svg> <iframe src="javascript:alert(4)"></iframe>
"""
# A file name that is awkward in an HTML id, an attribute and a URL path at once.
HOSTILE_NAME = "depot \"fire' <b>&#x3c;%3Cscript%3E ?x=1#top"


def write_hostile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{HOSTILE_NAME}.txt"
    path.write_text(HOSTILE_TEXT, encoding="utf-8")
    return path


def run_with_hostile(root: Path) -> Path:
    """`crosstally run` on the shipped samples plus the hostile article, into root/out."""
    from click.testing import CliRunner

    from crosstally.cli import cli
    from crosstally.runner import sample_dir

    hostile = write_hostile(root / "hostile")
    out = root / "out"
    r = CliRunner().invoke(cli, ["run", str(sample_dir()), str(hostile.parent), "--out", str(out), "--quiet"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out
