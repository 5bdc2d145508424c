"""The held-out split: the assignments FaqSets.java reproduces must not move."""

import hashlib
from collections import Counter

import pytest

from faqmatch_model.split import split_key, split_of

# The same texts and splits as FaqSetsTest.theSplitIsFinetuneModelsOwn (Java): both sides pin them.
PINNED = {
    "查看账户": "test",
    "问法5": "test",
    "问法21": "test",
    "问法1": "valid",
    "问法10": "valid",
    "什么是IC卡闪付": "train",
    "我有多少资产": "train",
    "\ufeff IC卡闪付是什么 ": "train",
    "问法0": "train",
}


@pytest.mark.parametrize("text,expected", PINNED.items())
def test_pinned_assignments(text, expected):
    assert split_of(text) == expected


@pytest.mark.parametrize("text", PINNED)
def test_the_rule_spelled_out(text):
    # The rule of the module docstring, written out independently: SHA-256 of the key's UTF-8,
    # first 4 bytes big-endian unsigned, modulo 20.
    key = text[1:] if text.startswith("\ufeff") else text
    bucket = int(hashlib.sha256(key.strip().encode("utf-8")).hexdigest()[:8], 16) % 20
    assert split_of(text) == ("test" if bucket <= 3 else "valid" if bucket == 4 else "train")


def test_a_byte_order_mark_and_surrounding_whitespace_do_not_count():
    assert split_key("\ufeff  问法1\t\n") == "问法1"
    assert split_of("\ufeff  问法1 ") == split_of("问法1")
    # Only a leading mark is the file's; one inside the text is part of it.
    assert split_key("问\ufeff法") == "问\ufeff法"


def test_about_a_fifth_is_test_and_a_twentieth_valid():
    counts = Counter(split_of(f"问法{i}") for i in range(4000))
    assert 0.17 < counts["test"] / 4000 < 0.23
    assert 0.035 < counts["valid"] / 4000 < 0.065
