"""Reading inputs as articles: files, folders, stdin; plain text and HTML; every failure named."""
from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from crosstally.clean.layout import layout
from crosstally.errors import InputError
from crosstally.model import Article
from crosstally.settings import Settings

log = logging.getLogger(__name__)

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<body)", re.I | re.S)


def iter_inputs(paths: Iterable[str], settings: Settings) -> Iterator[Article | InputError]:
    """Articles from files, folders (recursively) and "-" (stdin), in a stable order."""
    seen_ids: dict[str, int] = {}
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read()
            yield _unique(read_bytes(data, "stdin", "<stdin>", settings), seen_ids)
            continue
        path = Path(raw)
        if path.is_dir():
            # Every entry that is not a folder is read or named: a dangling link is a reject, not a skip.
            files = sorted(p for p in path.rglob("*") if not p.is_dir() and not _hidden(p, path))
            if not files:
                yield InputError(raw, "folder holds no files")
            for f in files:
                yield _unique(read_file(f, settings), seen_ids)
        else:
            yield _unique(read_file(path, settings), seen_ids)


def _hidden(p: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in p.relative_to(root).parts)


def _unique(item: Article | InputError, seen: dict[str, int]) -> Article | InputError:
    """Two inputs with the same file name get distinct ids ("report", "report-2")."""
    if isinstance(item, InputError):
        return item
    n = seen.get(item.id, 0) + 1
    seen[item.id] = n
    if n == 1:
        return item
    return Article(**{**_fields(item), "id": f"{item.id}-{n}"})


def _fields(a: Article) -> dict:
    return {k: getattr(a, k) for k in Article.__dataclass_fields__}


def read_file(path: Path, settings: Settings) -> Article | InputError:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            return InputError(source, f"too large: {size / 1e6:.1f} MB, over the {settings.max_bytes / 1e6:.0f} MB limit",
                              hint="raise --max-mb if this really is one article")
        data = path.read_bytes()
    except FileNotFoundError:
        return InputError(source, "no such file")
    except PermissionError:
        return InputError(source, "cannot be read: permission denied")
    except OSError as e:
        return InputError(source, f"cannot be read: {e.strerror or e}")
    return read_bytes(data, path.stem, source, settings, html=path.suffix.lower() in HTML_SUFFIXES)


def read_bytes(data: bytes, article_id: str, source: str, settings: Settings,
               html: bool | None = None) -> Article | InputError:
    """An article from raw bytes, or the reason it is not one."""
    if len(data) > settings.max_bytes:
        return InputError(source, f"too large: {len(data) / 1e6:.1f} MB, over the {settings.max_bytes / 1e6:.0f} MB limit")
    if not data.strip():
        return InputError(source, "empty file")
    if _binary(data):
        return InputError(source, "binary data, not text")
    text = decode(data, source)
    if isinstance(text, InputError):
        return text
    if html is None:
        html = bool(HTML_START.match(data[:2048]))
    if html or HTML_START.match(data[:2048]):
        return _from_html(text, article_id, source)
    return _from_text(text, article_id, source)


def _binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > len(head) * 0.05


# A valid multi-byte UTF-8 sequence: a text holding some is UTF-8, and invalid bytes in it are damage.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode(data: bytes, source: str) -> str | InputError:
    """UTF-8 (with or without BOM); else the legacy encoding charset-normalizer finds."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if _UTF8_MULTIBYTE.search(data):
            return InputError(source, f"invalid UTF-8 at byte {e.start}",
                              hint="re-save the file as UTF-8")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.3:
        return InputError(source, "not valid UTF-8 and no other text encoding fits")
    log.info("%s: decoded as %s", source, best.encoding)
    return str(best)


def _from_text(text: str, article_id: str, source: str) -> Article | InputError:
    if not re.search(r"[A-Za-z]{2,}", text):
        return InputError(source, "no words in the text")
    lay = layout(text, sentences=False)
    return Article(id=article_id, text=text, source=source, title=lay.title, date=lay.date,
                   credits=lay.credits, format="text")


def _from_html(html: str, article_id: str, source: str) -> Article | InputError:
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                                include_tables=False)
        doc = extracted.as_dict() if extracted is not None else None
    except Exception as e:  # trafilatura raises assorted parser errors on broken markup
        return InputError(source, f"HTML could not be parsed: {type(e).__name__}")
    body = (doc or {}).get("text") or ""
    if len(body.strip()) < 40:
        return InputError(source, "HTML page has no article body")
    title = (doc.get("title") or "").strip() or None
    text = f"{title}\n\n{body}\n" if title else body + "\n"
    lay = layout(text, title, sentences=False)
    return Article(id=article_id, text=text, source=source, title=title,
                   outlet=doc.get("sitename") or doc.get("hostname"), date=doc.get("date"),
                   url=doc.get("url"), credits=lay.credits, format="html")
