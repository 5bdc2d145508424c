"""The peer's bank search and routing (faq_bank.py), on hand-made vectors: no model."""

import json
import math

import numpy as np
import pytest

from faqmatch_model.errors import InputError
from faqmatch_model.faq_bank import Entry, FaqBank, Match, Thresholds, entry_scores, read_bank

# Each phrasing's vector, as a fake model's embedding: 2-d, not of unit length (the bank normalizes).
VECTORS = {"a": [1, 0], "a2": [0.6, 0.8], "b": [0, 3], "c": [-1, 0]}


def fake_embed(texts):
    return np.array([VECTORS[t] for t in texts], dtype=np.float32)


def bank(batch_size=64):
    entries = [Entry("A", "a", "answer a", ("a", "a2")), Entry("B", "b", "answer b", ("b",)),
               Entry("C", "c", "answer c", ("c",))]
    return FaqBank(entries, fake_embed, batch_size)


def test_an_entry_scores_its_best_two_phrasings_and_phrasings_never_compete():
    # close to a2 (0.6, 0.8): entry A by a2 (1.0) and a (0.6), then B; A's other phrasing is not the runner-up
    (found,) = bank().search(np.array([[0.6, 0.8]]), k=3)
    assert [m.entry.id for m in found] == ["A", "B", "C"]
    assert found[0].score == pytest.approx(1.0 + 0.2 * (0.6 - 1.0))
    assert found[1].score == pytest.approx(0.8)
    assert found[2].score == pytest.approx(-0.6)


def test_entry_scores_as_the_jobs_rule():
    by_row = np.array([[0.9, 0.5, 0.7, 0.3, 0.3, 0.8]], dtype=np.float32)
    # entries: rows 0-2, row 3 alone, rows 4-5; a tie for best counts the tie as the second best
    scores = entry_scores(by_row, np.array([0, 3, 4]))
    assert scores[0] == pytest.approx([0.9 + 0.2 * (0.7 - 0.9), 0.3, 0.8 + 0.2 * (0.3 - 0.8)])
    tied = entry_scores(np.array([[0.6, 0.6, 0.1]], dtype=np.float32), np.array([0]))
    assert tied[0] == pytest.approx([0.6])


def test_top_k_per_query_in_a_batch_and_ties_in_the_banks_order():
    found = bank(batch_size=1).search(np.array([[-1, 1], [2, 0]]), k=2)
    # [-1, 1] is 45 degrees from B and from C (one phrasing each): the tie keeps the bank's order
    assert [m.entry.id for m in found[0]] == ["B", "C"]
    assert [m.entry.id for m in found[1]] == ["A", "B"]
    assert len(found[1]) == 2


@pytest.mark.parametrize("best, second, route", [
    (0.92, 0.80, "answer"),          # above min-score, clear margin
    (0.92, 0.89, "clarify"),         # two entries close together
    (0.92, math.nan, "answer"),      # a one-entry bank
    (0.80, 0.50, "clarify"),         # near min-score
    (0.76, 0.50, "clarify"),         # clarify-score itself
    (0.70, 0.10, "human"),
    (math.nan, math.nan, "human"),   # an empty bank
])
def test_routes_as_the_jobs_thresholds(best, second, route):
    assert Thresholds().route(best, second) == route


def test_route_of_matches_and_matched():
    entry = Entry("A", "a", "", ("a",))
    t = Thresholds()
    assert t.route_of([Match(entry, 0.95)]) == "answer"
    assert t.route_of([Match(entry, 0.95), Match(entry, 0.93)]) == "clarify"
    assert t.route_of([]) == "human"
    assert t.matched(0.89) and not t.matched(0.88) and not t.matched(math.nan)


def test_reads_the_jobs_bank_format_without_out_of_scope_entries(tmp_path):
    path = tmp_path / "bank.jsonl"
    lines = [{"id": "f-1", "question": "q1", "answer": "a1", "similar": ["s1", "s2"], "not_similar": ["n"]},
             {"id": "oos-1", "question": "天气", "kind": "out_of_scope"},
             {"id": 7, "question": "q2", "answer": "a2"}]
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n", encoding="utf-8")
    entries = read_bank(path)
    assert entries == [Entry("f-1", "q1", "a1", ("q1", "s1", "s2")), Entry("7", "q2", "a2", ("q2",))]


def test_a_bank_without_answerable_entries_is_an_error(tmp_path):
    path = tmp_path / "bank.jsonl"
    path.write_text('{"id": "x", "question": "q", "kind": "out_of_scope"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="no answerable"):
        read_bank(path)
