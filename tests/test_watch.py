"""`crosstally watch` against a real HTTP server: new conflicts printed as they appear, Ctrl-C
stops cleanly, and a restart carries on from the database."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from crosstally.errors import CrosstallyError
from crosstally.watch import parse_every
from tests.newsserver import STORM_1, STORM_2, NewsServer, Route, rss


def test_intervals():
    assert [parse_every(t) for t in ("90", "30s", "10m", "1h", "1h30m", "1.5m")] == [90, 30, 600, 3600, 5400, 90]
    for bad in ("", "10 minutes", "m", "0s", "-5m"):
        with pytest.raises(CrosstallyError):
            parse_every(bad)


class Lines:
    """The lines a process prints, read as they come."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.seen: list[str] = []
        self._q: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self._q.put(line.rstrip("\n"))
        self._q.put(None)

    def wait_for(self, text: str, timeout: float = 90) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self._q.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed; got:\n" + "\n".join(self.seen))

    def rest(self) -> str:
        self.proc.wait(timeout=60)
        while (line := self._q.get(timeout=5)) is not None:
            self.seen.append(line)
        return "\n".join(self.seen)


def start_watch(feed: str, db, *extra: str) -> Lines:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "400", "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "crosstally.cli", "watch", feed, "--db", str(db), "--every", "1s",
                             "--delay", "0", "--timeout", "5", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    return Lines(proc)


def test_watch_reports_new_conflicts_stops_on_ctrl_c_and_carries_on(tmp_path):
    with NewsServer() as site:
        site.routes["/news/storm.html"] = Route(STORM_1)
        site.routes["/news/red-cross.html"] = Route(STORM_2)
        one = [("Storm kills 12", site.url("/news/storm.html"), "Wed, 19 Nov 2025 08:00:00 GMT")]
        site.routes["/feed.xml"] = Route(rss(one), content_type="application/rss+xml")
        db = tmp_path / "watch" / "crosstally.db"
        out = start_watch(site.url("/feed.xml"), db)
        try:
            first = out.wait_for("poll 1 ")
            assert "1 articles extracted" in first and "0 new conflicts" in first
            # The story develops: a second outlet reports another toll.
            site.routes["/feed.xml"] = Route(rss(one + [("Red Cross", site.url("/news/red-cross.html"),
                                                         "Wed, 19 Nov 2025 10:00:00 GMT")]),
                                             content_type="application/rss+xml")
            conflict = out.wait_for("new dispute")
            assert "Red Cross" in conflict and "19" in conflict and "12" in conflict.replace("Twelve", "12")
            polls_before = sum("poll " in line for line in out.seen)
            out.wait_for(f"poll {polls_before + 1} ")  # a quiet poll: nothing new, nothing printed again
            assert "new dispute" not in out.seen[-1]
            out.proc.send_signal(signal.SIGINT)
            text = out.rest()
        finally:
            if out.proc.poll() is None:
                out.proc.kill()
        assert out.proc.returncode == 0, text
        assert "stopping after the current article" in text and "stopped after" in text
        assert text.count("new dispute") == 1
        assert (db.parent / "report.html").is_file() and (db.parent / "conflicts.jsonl").is_file()

        # A restart carries on: both pages are asked for with their validators and are unchanged,
        # and the conflict already reported is not reported again.
        site.hits.clear()
        again = start_watch(site.url("/feed.xml"), db, "--cycles", "1")
        text = again.rest()
        assert again.proc.returncode == 0, text
        assert "0 articles extracted, 2 unchanged" in text and "0 new conflicts" in text
        assert "new dispute" not in text and "stopped after 1 poll;" in text
        assert {h.status for h in site.hits if h.path.startswith("/news/")} == {304}
