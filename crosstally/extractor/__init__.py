"""Claim extraction. Importing this package is cheap; spaCy loads with `extractor.pipeline`."""

# Bumped whenever the rules change what is extracted, so stored claims can be told apart.
EXTRACTOR_VERSION = "1"
