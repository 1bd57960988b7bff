import os

import pytest

from crosstally.errors import InputError
from crosstally.ingest.readers import read_bytes
from crosstally.ingest.sources import files_under, iter_inputs
from crosstally.model import Article
from crosstally.settings import Settings

S = Settings()
ARTICLE = "Storm toll rises\n\nTwelve people died in the storm, officials said.\n"


def read(data: bytes, name="a", **kw):
    return read_bytes(data, name, f"{name}.txt", S, **kw)


def test_plain_text_is_stored_unchanged():
    a = read(ARTICLE.encode())
    assert isinstance(a, Article)
    assert a.text == ARTICLE and a.title == "Storm toll rises" and a.id == "a"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"   \n\n ", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data, not text"),
    ("Twelve people died — officials said.".encode() + b"\xff\xfe broken", "invalid UTF-8 at byte"),
    (b"12345 678 90 !!! ??", "no words in the text"),
])
def test_bad_bytes_are_named(data, reason):
    r = read(data)
    assert isinstance(r, InputError)
    assert reason in r.reason and r.source == "a.txt"


def test_legacy_encoding_is_detected():
    text = "Die Behörden meldeten, dass 12 Menschen ums Leben kamen. Über 300 Häuser wurden zerstört, " \
           "und die Straßen blieben gesperrt, während die Rettungskräfte weitersuchten."
    a = read(text.encode("cp1252"))
    assert isinstance(a, Article) and "Behörden" in a.text


def test_html_uses_trafilatura():
    html = ("<html><head><title>Quake kills 40</title><meta property='og:site_name' content='Valley Post'></head>"
            "<body><nav>Home | World</nav><article><h1>Quake kills 40</h1><p>At least 40 people were killed "
            "when the quake struck before dawn, regional officials said on Monday.</p><p>Rescuers were "
            "still searching collapsed houses in the hill villages on Tuesday.</p></article>"
            "<footer>Share this</footer></body></html>").encode()
    a = read_bytes(html, "q", "q.html", S, html=True)
    assert isinstance(a, Article)
    assert a.title == "Quake kills 40" and a.outlet == "Valley Post" and a.format == "html"
    assert "At least 40 people were killed" in a.text and "Home | World" not in a.text


def test_html_without_body_is_rejected():
    r = read_bytes(b"<html><head><title>x</title></head><body><nav>Home</nav></body></html>", "n", "n.html", S)
    assert isinstance(r, InputError) and r.reason == "HTML page has no article body"


def test_files_folders_and_limits(tmp_path):
    good = tmp_path / "in" / "storm.txt"
    good.parent.mkdir()
    good.write_text(ARTICLE)
    (tmp_path / "in" / "sub").mkdir()
    (tmp_path / "in" / "sub" / "storm.txt").write_text(ARTICLE.replace("Twelve", "Thirteen"))
    big = tmp_path / "in" / "big.txt"
    big.write_bytes(b"word " * 4_200_000)  # about 20 MB
    (tmp_path / "in" / ".hidden").write_text("ignored")
    os.symlink(tmp_path / "gone.txt", tmp_path / "in" / "dangling.txt")
    items = list(iter_inputs([str(tmp_path / "in"), str(tmp_path / "missing.txt")], S))
    articles = [i for i in items if isinstance(i, Article)]
    errors = {os.path.basename(e.source): e.reason for e in items if isinstance(e, InputError)}
    assert sorted(a.id for a in articles) == ["storm", "storm-2"]
    assert errors["big.txt"].startswith("too large: 21.0 MB")
    assert errors["dangling.txt"] == "no such file"
    assert errors["missing.txt"] == "no such file"


def test_a_folder_is_listed_as_sorting_its_paths_would(tmp_path):
    """files_under lists a folder at a time, in the order of sorting every path under it, as
    Path.rglob would find them: hidden names and all under them left out, links to folders not
    followed, a link to a file and a dangling link kept."""
    root = tmp_path / "in"
    for rel in ("b.txt", "b/z.txt", "b/a/1.txt", "b-c.txt", "B.txt", "a b/x.html", ".git/HEAD", "c/.cache/k.txt",
                "c/d/e/f.txt", "ä.txt", "10.txt", "9.txt", "empty/.keep"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    os.symlink(root / "b", root / "link-to-folder")
    os.symlink(root / "9.txt", root / "c" / "link-to-file.txt")
    os.symlink(tmp_path / "gone", root / "c" / "dangling")
    expected = sorted(p for p in root.rglob("*")
                      if not p.is_dir() and not any(part.startswith(".") for part in p.relative_to(root).parts))
    assert list(files_under(root)) == expected
    assert len(expected) == 12
    items = list(iter_inputs([str(root / "empty")], S))
    assert [(type(i), i.reason) for i in items] == [(InputError, "folder holds no files")]


def test_a_folder_that_cannot_be_listed_is_named(tmp_path, monkeypatch):
    import errno

    from crosstally.ingest import sources

    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "storm.txt").write_text(ARTICLE)
    (tmp_path / "in" / "storm.txt").write_text(ARTICLE)
    listdir = os.listdir
    broken: set[str] = set()

    def failing(path):
        if str(path) in broken:
            raise OSError(errno.EIO, "Input/output error")
        return listdir(path)

    monkeypatch.setattr(sources.os, "listdir", failing)
    broken.add(str(tmp_path / "in" / "sub"))  # a folder within: named, and the rest is read
    items = list(iter_inputs([str(tmp_path / "in")], S))
    assert [(type(i), getattr(i, "source", None), getattr(i, "reason", None)) for i in items] == [
        (Article, str(tmp_path / "in" / "storm.txt"), None),
        (InputError, str(tmp_path / "in" / "sub"), "folder cannot be listed (Input/output error)")]
    broken.add(str(tmp_path / "in"))  # the folder asked for
    (item,) = list(iter_inputs([str(tmp_path / "in")], S))
    assert isinstance(item, InputError) and item.reason == "folder cannot be listed (Input/output error)"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    f = tmp_path / "locked.txt"
    f.write_text(ARTICLE)
    f.chmod(0)
    (item,) = list(iter_inputs([str(f)], S))
    assert isinstance(item, InputError) and "permission denied" in item.reason


def test_unreadable_path(tmp_path):
    """A path that exists but cannot be read as a file (a socket) is named, not crashed on."""
    import socket

    path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    try:
        (item,) = list(iter_inputs([str(path)], S))
    finally:
        sock.close()
    assert isinstance(item, InputError) and item.reason.startswith("cannot be read")
