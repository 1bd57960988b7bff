"""One input as one article: plain text or HTML bytes, decoded and cleaned; every failure named."""
from __future__ import annotations

import logging
import re
from pathlib import Path

from crosstally.clean.layout import layout
from crosstally.errors import InputError
from crosstally.model import Article
from crosstally.settings import Settings

log = logging.getLogger(__name__)

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<body)", re.I | re.S)


def read_file(path: Path, settings: Settings) -> Article | InputError:
    data = load(path, settings)
    if isinstance(data, InputError):
        return data
    return read_bytes(data, path.stem, str(path), settings, html=path.suffix.lower() in HTML_SUFFIXES)


def load(path: Path, settings: Settings) -> bytes | InputError:
    """The bytes of a file of at most `settings.max_bytes`, or why they cannot be had."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            return InputError(source, f"too large: {size / 1e6:.1f} MB, over the {settings.max_bytes / 1e6:.0f} MB limit",
                              hint="raise --max-mb if this really is one article")
        return path.read_bytes()
    except FileNotFoundError:
        return InputError(source, "no such file")
    except PermissionError:
        return InputError(source, "cannot be read: permission denied")
    except OSError as e:
        return InputError(source, f"cannot be read: {e.strerror or e}")


def read_bytes(data: bytes, article_id: str, source: str, settings: Settings, html: bool | None = None,
               charset: str | None = None, url: str | None = None) -> Article | InputError:
    """An article from raw bytes, or the reason it is not one. `charset` is the encoding the
    bytes declare (an HTTP header), tried first; `url` is where a page was read from."""
    if len(data) > settings.max_bytes:
        return InputError(source, f"too large: {len(data) / 1e6:.1f} MB, over the {settings.max_bytes / 1e6:.0f} MB limit")
    if not data.strip():
        return InputError(source, "empty file")
    if _binary(data):
        return InputError(source, "binary data, not text")
    text = decode(data, source, charset)
    if isinstance(text, InputError):
        return text
    if html is None:
        html = bool(HTML_START.match(data[:2048]))
    if html or HTML_START.match(data[:2048]):
        return _from_html(text, article_id, source, url)
    return _from_text(text, article_id, source)


def _binary(data: bytes) -> bool:
    if b"\x00" in data:  # anywhere: no text holds a NUL, and PostgreSQL cannot store one
        return True
    head = data[:8192]
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > len(head) * 0.05


# A valid multi-byte UTF-8 sequence: a text holding some is UTF-8, and invalid bytes in it are damage.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode(data: bytes, source: str, charset: str | None = None) -> str | InputError:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, whatever they declare (legacy
    text is almost never valid UTF-8 by chance); else the encoding they declare (an HTTP
    header); else the legacy encoding charset-normalizer finds."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if charset:
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                log.info("%s: declared charset %s does not decode it", source, charset)
        if _UTF8_MULTIBYTE.search(data):
            return InputError(source, f"invalid UTF-8 at byte {e.start}",
                              hint="re-save the file as UTF-8")
    western = _western(data)
    if western is not None:
        log.info("%s: decoded as windows-1252", source)
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.3:
        return InputError(source, "not valid UTF-8 and no other text encoding fits")
    log.info("%s: decoded as %s", source, best.encoding)
    return str(best)


# What windows-1252 gives English-language news beyond ASCII: accented Latin letters and typographic
# punctuation. charset-normalizer, guessing from a few accented names, can pick another single-byte
# code page and turn "Hélène" into "HťlŤne"; unlabelled legacy text is windows-1252 first (as
# browsers take it) when it reads as such.
_WESTERN = re.compile(r"[\x00-\x7f\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20ac\u2022]*")


def _western(data: bytes) -> str | None:
    """The bytes as windows-1252 when they are mostly ASCII (nine letters in ten or more) and every
    other character is a Latin letter or common punctuation; else None."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or sum(ch.isascii() for ch in letters) < 0.9 * len(letters) or not _WESTERN.fullmatch(text):
        return None
    return text


def _from_text(text: str, article_id: str, source: str) -> Article | InputError:
    if not re.search(r"[A-Za-z]{2,}", text):
        return InputError(source, "no words in the text")
    lay = layout(text, sentences=False)
    return Article(id=article_id, text=text, source=source, title=lay.title, date=lay.date,
                   credits=lay.credits, format="text")


def host_name(host: str | None) -> str | None:
    """A host as an outlet's name: lower case, without "www." or a port."""
    if not host:
        return None
    return host.lower().split(":")[0].removeprefix("www.") or None


def _outlet(sitename: str | None, hostname: str | None) -> str | None:
    """The site's own name; where it gives none, trafilatura falls back on the host, which is
    named as a host is ("example.com", not "www.example.com:8080")."""
    name = (sitename or "").strip()
    if name and not re.fullmatch(r"[\w.-]+\.[\w-]+(?::\d+)?|[\w.-]+:\d+", name):
        return name
    if name:  # a host, as a site names itself ("Example.com" keeps its capital)
        return re.sub(r"^www\.", "", name.split(":")[0], flags=re.I) or None
    return host_name(hostname)


def _from_html(html: str, article_id: str, source: str, url: str | None = None) -> Article | InputError:
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
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
                   outlet=_outlet(doc.get("sitename"), doc.get("hostname")), date=doc.get("date"),
                   url=doc.get("url"), credits=lay.credits, format="html")
