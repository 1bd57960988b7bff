"""Every kind of input crosstally reads, behind one iterator.

An input is "-" (stdin), a URL (a page or a feed), or a path: a folder (read recursively), a
WARC or WARC.gz file, a JSON Lines file of articles, an RSS or Atom feed, a text file of URLs, or
one article as plain text or HTML. Each yields articles, inputs already stored as they are
(`Unchanged`), and rejects that name the input and the reason; nothing stops the others.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from crosstally.errors import InputError
from crosstally.ingest.archives import is_jsonl, is_warc, iter_jsonl, iter_warc
from crosstally.ingest.feeds import looks_like_feed
from crosstally.ingest.fetch import is_url
from crosstally.ingest.readers import HTML_SUFFIXES, load, read_bytes
from crosstally.ingest.web import Fetched, Unchanged, Web, read_url_list
from crosstally.model import Article
from crosstally.settings import Settings

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
Item = Article | Fetched | Unchanged | InputError


def iter_inputs(paths: Iterable[str], settings: Settings, web: Web | None = None) -> Iterator[Item]:
    """Everything the inputs hold, in a stable order. URLs are fetched through `web` (one is made,
    and closed, when none is given and an input needs it)."""
    own_web: list[Web] = []

    def the_web() -> Web:
        if web is not None:
            return web
        if not own_web:
            own_web.append(Web(settings))
        return own_web[0]

    seen_ids: dict[str, int] = {}
    try:
        for raw in paths:
            for item in _read_input(raw, settings, the_web):
                yield _unique(item, seen_ids)
    finally:
        for w in own_web:
            w.close()


def _read_input(raw: str, settings: Settings, the_web) -> Iterator[Item]:
    if raw == "-":
        yield read_bytes(sys.stdin.buffer.read(), "stdin", "<stdin>", settings)
    elif is_url(raw):
        yield from the_web().read_url(raw)
    elif (path := Path(raw)).is_dir():
        empty = True
        for f in files_under(path):
            empty = False
            if isinstance(f, InputError):
                yield f
            else:
                yield from _read_path(f, settings, the_web)
        if empty:
            yield InputError(raw, "folder holds no files")
    else:
        yield from _read_path(path, settings, the_web)


def _read_path(path: Path, settings: Settings, the_web) -> Iterator[Item]:
    if is_warc(path):
        yield from iter_warc(path, settings)
        return
    if is_jsonl(path):
        yield from iter_jsonl(path, settings)
        return
    data = load(path, settings)
    if isinstance(data, InputError):
        yield data
        return
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES or (suffix not in HTML_SUFFIXES and looks_like_feed(data)):
        yield from the_web().read_feed(data, str(path))
        return
    if suffix not in HTML_SUFFIXES and len(data) < 1_000_000:
        urls = read_url_list(data.decode("utf-8", "replace"))
        if urls is not None:
            for url in urls:
                yield from the_web().read_url(url)
            return
    yield read_bytes(data, path.stem, str(path), settings, html=suffix in HTML_SUFFIXES)


def files_under(folder: Path) -> Iterator[Path | InputError]:
    """Every entry under `folder` that is not a folder, in sorted order, listed a folder at a time:
    a folder of a million articles costs a million names while it is read, not a million Paths
    held for the whole run. Every such entry is read or named (a dangling link is a reject, not a
    skip), and so is a folder that cannot be listed. Hidden entries (a name starting with ".") and
    all under them are left out, and links to folders are not followed, as Path.rglob does."""
    try:
        names = sorted(name for name in os.listdir(folder) if not name.startswith("."))
    except OSError as e:
        yield InputError(str(folder), f"folder cannot be listed ({e.strerror or e})")
        return
    for name in names:
        child = folder / name
        if not child.is_dir():
            yield child
        elif not child.is_symlink():
            yield from files_under(child)


def _unique(item: Item, seen: dict[str, int]) -> Item:
    """Two inputs with the same name get distinct ids ("report", "report-2")."""
    article = item.article if isinstance(item, Fetched) else item
    if not isinstance(article, Article):
        return item
    n = seen.get(article.id, 0) + 1
    seen[article.id] = n
    if n == 1:
        return item
    renamed = replace(article, id=f"{article.id}-{n}")
    return Fetched(renamed, item.validators) if isinstance(item, Fetched) else renamed

