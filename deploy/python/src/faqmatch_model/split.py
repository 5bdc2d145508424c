"""The held-out split of FAQ paraphrases.

A paraphrase's split is fixed by its text alone, so every tool and every run agree on it, and
tools/src/main/java/dev/faqmatch/calibrate/FaqSets.java reproduces it bit for bit (keep the two in
step; tests/test_split.py pins known assignments, FaqSetsTest the same ones):

    key = the text with a leading U+FEFF removed and surrounding whitespace trimmed
    h   = the first 4 bytes of SHA-256(UTF-8 key) as a big-endian unsigned int
    h % 20 in 0..3: "test" (~20%, the FAQ-retrieval evaluation); h % 20 == 4: "valid" (~5%,
    checkpoint selection); the rest "train"
"""

from __future__ import annotations

import hashlib

BUCKETS = 20
TEST_BUCKETS = range(0, 4)
VALID_BUCKETS = range(4, 5)


def split_key(text: str) -> str:
    """The text a split is computed from, and held-out texts are compared by."""
    return text.lstrip("\ufeff").strip()


def split_of(text: str) -> str:
    """'test', 'valid' or 'train' for a FAQ paraphrase."""
    digest = hashlib.sha256(split_key(text).encode("utf-8")).digest()
    bucket = int.from_bytes(digest[:4], "big") % BUCKETS
    if bucket in TEST_BUCKETS:
        return "test"
    if bucket in VALID_BUCKETS:
        return "valid"
    return "train"
