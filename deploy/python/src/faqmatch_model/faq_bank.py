"""The job's FAQ bank (JSON lines: id, question, answer, similar, not_similar, kind) embedded once
and searched as the job's FaqIndex searches it, in its simplest form: cosine over every phrasing
(standard and similar questions), collapsed to one score per entry (its best phrasing moved a
fifth of the way towards its second best, as FaqIndex.SECOND_PHRASING_WEIGHT), top k,
ties in the bank's order; and routed by the job's thresholds (match.min-score, clarify-score,
clarify-margin).

Left out, next to the job: counter-examples (not_similar), which veto an entry there, and
out-of-scope entries (kind out_of_scope), which send a question to a person there; here they are
not loaded at all, so they are never matches either.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import InputError

OUT_OF_SCOPE = "out_of_scope"
SECOND_PHRASING_WEIGHT = np.float32(0.2)


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: str
    phrasings: tuple[str, ...]  # the standard question first, then the similar questions


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class Thresholds:
    """The job's Thresholds, with its defaults."""

    min_score: float = 0.89
    clarify_score: float = 0.76
    clarify_margin: float = 0.04

    def matched(self, best: float) -> bool:
        return not math.isnan(best) and best >= self.min_score

    def route(self, best: float, second: float) -> str:
        """answer, clarify or human, from the best two entries' scores (NaN where there is none)."""
        if math.isnan(best) or best < self.clarify_score:
            return "human"
        clear = math.isnan(second) or best - second >= self.clarify_margin
        return "answer" if best >= self.min_score and clear else "clarify"

    def route_of(self, matches: list[Match]) -> str:
        scores = [m.score for m in matches[:2]] + [math.nan, math.nan]
        return self.route(scores[0], scores[1])


def read_bank(path: str | Path) -> list[Entry]:
    """The answerable entries of a bank file, in its order."""
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{number}: not JSON ({e.msg})") from None
            if record.get("kind") == OUT_OF_SCOPE:
                continue
            question = record["question"]
            entries.append(Entry(str(record["id"]), question, record.get("answer", ""),
                                 (question, *record.get("similar", []))))
    if not entries:
        raise InputError(f"{path}: no answerable FAQ entries")
    return entries


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """float32 rows of length 1, so that a dot product is a cosine whatever model.json's normalize says."""
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class FaqBank:
    """The entries' phrasings as a matrix of unit rows, an entry's rows side by side."""

    def __init__(self, entries: list[Entry], embed: Callable[[list[str]], np.ndarray], batch_size: int = 64):
        self.entries = entries
        texts = [p for e in entries for p in e.phrasings]
        self.matrix = unit_rows(np.concatenate([embed(texts[i:i + batch_size])
                                                for i in range(0, len(texts), batch_size)]))
        self.entry_starts = np.cumsum([0] + [len(e.phrasings) for e in entries[:-1]])

    def search(self, queries: np.ndarray, k: int) -> list[list[Match]]:
        """Per query, the k best entries, best first."""
        by_row = unit_rows(queries) @ self.matrix.T
        by_entry = entry_scores(by_row, self.entry_starts)
        # stable: equal scores keep the bank's order, as in the job
        best = np.argsort(-by_entry, axis=1, kind="stable")[:, :k]
        return [[Match(self.entries[e], float(scores[e])) for e in order] for order, scores in zip(best, by_entry)]


def entry_scores(by_row: np.ndarray, entry_starts: np.ndarray) -> np.ndarray:
    """Per query and entry: best + 0.2 * (second best - best) over the entry's phrasings (columns
    entry_starts[e] up to the next start); an entry with one phrasing scores its cosine."""
    best = np.maximum.reduceat(by_row, entry_starts, axis=1)
    lengths = np.diff(np.append(entry_starts, by_row.shape[1]))
    is_best = by_row >= np.repeat(best, lengths, axis=1)
    # two phrasings tied for best: the second best is the best
    tied = np.add.reduceat(is_best, entry_starts, axis=1) > 1
    second = np.maximum.reduceat(np.where(is_best, -np.inf, by_row), entry_starts, axis=1)
    second = np.where(tied, best, second).astype(np.float32)
    return np.where(np.isfinite(second), best + SECOND_PHRASING_WEIGHT * (second - best), best).astype(np.float32)
