"""Shared fixtures: one spaCy model per session, fresh stores, the shared corpus when present."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The suite draws the same hypothesis examples on every run, so CI is reproducible; set
# HYPOTHESIS_PROFILE=explore to search afresh with more examples (what a failure found goes into @example).
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", max_examples=2_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus" / "dev"


@pytest.fixture(scope="session")
def extractor():
    from crosstally.extractor.pipeline import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def extract(extractor):
    """extract(text, title=None) -> list of claims, with the session's model."""
    return lambda text, title=None: extractor.extract(text, title=title, article_id="t")


@pytest.fixture(scope="session")
def dev_run(tmp_path_factory):
    """(the dev corpus, the folder of one `crosstally run` on it with its metadata); skipped without it."""
    from crosstally.runner import load_metadata, run
    from crosstally.settings import Settings

    if not DEV.is_dir():
        pytest.skip("../shared/corpus/dev is not beside the project")
    out = tmp_path_factory.mktemp("dev")
    run([str(DEV / "articles")], out, Settings(meta=load_metadata(DEV / "index.jsonl")))
    return DEV, out


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "crosstally.db"


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server on 127.0.0.1 for the session (tests/pgserver.py)."""
    from tests.pgserver import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres, request):
    """The URL of a fresh, empty database on the session's PostgreSQL server."""
    name = "t_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:50]
    return postgres.create_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, store_path):
    """A fresh store of each kind."""
    from crosstally.store import open_store

    s = open_store(store_path if request.param == "sqlite" else request.getfixturevalue("pg_url"))
    yield s
    s.close()


@pytest.fixture
def dev_corpus():
    if not DEV.is_dir():
        pytest.skip("../shared/corpus/dev is not beside the project")
    return DEV


def one(claims, quote):
    """The single claim whose quote is `quote`."""
    found = [c for c in claims if c.quote == quote]
    assert len(found) == 1, f"expected one claim {quote!r}, got {[c.quote for c in claims]}"
    return found[0]
