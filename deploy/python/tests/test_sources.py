"""The data files' parsers: what they accept, and the line they name when they refuse."""

import json

import pytest

from faqmatch_model.errors import InputError
from faqmatch_model.sources import (drop_held_out, held_out_keys, load_faq_positives, load_labelled, load_positives,
                                    parse_source, read_eval_pairs, read_faq, read_pair_lines, sample, write_split)
from faqmatch_model.split import split_of

# Paraphrases whose splits tests/test_split.py pins.
TEST_TEXT, VALID_TEXT, TRAIN_TEXT = "查看账户", "问法1", "我有多少资产"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def faq_line(**entry):
    return json.dumps(entry, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- FILE[:N]

def test_parse_source():
    assert parse_source("data/a.tsv") == ("data/a.tsv", None)
    assert parse_source("data/a.tsv:200") == ("data/a.tsv", 200)
    # A colon that is not followed by digits belongs to the path.
    assert parse_source("C:/data/a.tsv") == ("C:/data/a.tsv", None)
    assert parse_source("a:b:7") == ("a:b", 7)
    with pytest.raises(InputError, match="must be positive"):
        parse_source("a.tsv:0")


def test_sample_is_seeded_by_the_file_name():
    rows = list(range(100))
    first = sample(rows, 10, 1, "/x/train.tsv")
    assert first == sample(rows, 10, 1, "/elsewhere/train.tsv")
    assert len(set(first)) == 10
    assert first != sample(rows, 10, 1, "/x/other.tsv")
    assert sample(rows, None, 1, "a") is rows
    assert sample(rows, 1000, 1, "a") is rows


# ---------------------------------------------------------------- pair files

def test_pair_lines(tmp_path):
    path = write(tmp_path / "p.tsv", "\ufeff花呗怎么还款\t花呗如何还\t1\r\n\n借呗额度\t借呗的额度\t0.5\n  \n")
    assert read_pair_lines(path, need_label=True) == [(1, "花呗怎么还款", "花呗如何还", 1.0), (3, "借呗额度", "借呗的额度", 0.5)]


def test_positives_may_have_no_label(tmp_path):
    path = write(tmp_path / "p.tsv", "问法\t问题\n")
    assert read_pair_lines(path, need_label=False) == [(1, "问法", "问题", None)]
    with pytest.raises(InputError, match=r"p.tsv:1: expected text1<TAB>text2<TAB>label, got 2"):
        read_pair_lines(path, need_label=True)


@pytest.mark.parametrize("content,message", [
    ("a\tb\t1\nonly one field\n", r":2: expected text1<TAB>text2<TAB>label, got 1 tab-separated field"),
    ("a\tb\t1\tx\n", r":1: expected .* got 4"),
    ("a\t \t1\n", r":1: empty text"),
    ("a\tb\tyes\n", r":1: the label 'yes' is not a number"),
    ("a\tb\tnan\n", r":1: the label 'nan' is not a finite number"),
    ("\n\n", r"no pairs"),
])
def test_pair_lines_refused(tmp_path, content, message):
    with pytest.raises(InputError, match=message):
        read_pair_lines(write(tmp_path / "p.tsv", content), need_label=True)


def test_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_pair_lines(str(tmp_path / "absent.tsv"), need_label=True)


def test_eval_pairs_tsv_and_clue_json_lines(tmp_path):
    tsv = write(tmp_path / "e.tsv", "a\tb\t1\nc\td\t0\ne\tf\t1\n")
    assert read_eval_pairs(tsv, 2)[:2] == (["a", "c"], ["b", "d"])
    assert list(read_eval_pairs(tsv, 2)[2]) == [1.0, 0.0]
    clue = write(tmp_path / "e.jsonl", '{"sentence1": "a", "sentence2": "b", "label": "1"}\n\n'
                                       '{"sentence1": "c", "sentence2": "d", "label": 0}\n')
    first, second, labels = read_eval_pairs(clue, 100)
    assert (first, second, list(labels)) == (["a", "c"], ["b", "d"], [1.0, 0.0])


# ---------------------------------------------------------------- FAQ banks

def test_faq(tmp_path):
    path = write(tmp_path / "faq.jsonl", faq_line(id=7, question="什么是IC卡闪付？", paraphrases=["IC卡闪付是什么", " "])
                 + "\n" + faq_line(question="我有多少资产"))
    assert read_faq(path) == [
        {"id": "7", "question": "什么是IC卡闪付？", "paraphrases": ["IC卡闪付是什么"]},
        # no id: the line number; no paraphrases: none
        {"id": "3", "question": "我有多少资产", "paraphrases": []},
    ]


@pytest.mark.parametrize("line,message", [
    ("{not json\n", r":1: not JSON"),
    ("[1, 2]\n", r":1: expected a JSON object"),
    (faq_line(id=1, question=" "), r":1: 'question' must be a non-empty string"),
    (faq_line(id=1, question="q", paraphrases="p"), r":1: 'paraphrases' must be a list of strings"),
    (faq_line(id=1, question="q", paraphrases=["p", 3]), r":1: 'paraphrases' must be a list of strings"),
    ("\n", r"no FAQ entries"),
])
def test_faq_refused(tmp_path, line, message):
    with pytest.raises(InputError, match=message):
        read_faq(write(tmp_path / "faq.jsonl", line))


# ---------------------------------------------------------------- held out, sampled

@pytest.fixture
def faq(tmp_path):
    return write(tmp_path / "bank.jsonl", faq_line(id="a", question="问题甲", paraphrases=[TEST_TEXT, TRAIN_TEXT])
                 + faq_line(id="b", question="问题乙", paraphrases=[" " + VALID_TEXT, "问法0"]))


def test_held_out_keys_are_the_test_and_valid_paraphrases(faq):
    assert held_out_keys([faq]) == {TEST_TEXT, VALID_TEXT}


def test_examples_with_a_held_out_text_are_dropped_from_every_source(tmp_path, faq):
    held_out = held_out_keys([faq])
    assert drop_held_out([("x", "\ufeff" + TEST_TEXT), ("x", "y", 1.0)], held_out) == ([("x", "y", 1.0)], 1)

    pairs = write(tmp_path / "pairs.tsv", f"{VALID_TEXT}\t问题\t1\n花呗\t借呗\t0\n{TRAIN_TEXT}\t问题甲\t1\n")
    assert load_labelled(pairs, held_out, 1) == (pairs, [("花呗", "借呗", 0.0), (TRAIN_TEXT, "问题甲", 1.0)])
    # positives: the label-1 lines (or unlabelled ones), held-out ones dropped
    assert load_positives(pairs, held_out, 1) == (pairs, [(TRAIN_TEXT, "问题甲")])
    assert load_faq_positives(faq, held_out, 1) == (faq, [(TRAIN_TEXT, "问题甲"), ("问法0", "问题乙")])


def test_a_sample_is_taken_after_the_drop(tmp_path):
    lines = "".join(f"问法{i}\t问题\t1\n" for i in range(200))
    pairs = write(tmp_path / "pairs.tsv", lines)
    held_out = {f"问法{i}" for i in range(200) if split_of(f"问法{i}") != "train"}
    path, rows = load_labelled(pairs + ":20", held_out, 5)
    assert path == pairs and len(rows) == 20
    assert all(split_of(a) == "train" for a, _, _ in rows)
    assert load_labelled(pairs + ":20", held_out, 5)[1] == rows


def test_positives_need_one(tmp_path):
    with pytest.raises(InputError, match="no positive pairs"):
        load_positives(write(tmp_path / "neg.tsv", "a\tb\t0\n"), set(), 1)


# ---------------------------------------------------------------- the split's files

def test_write_split(tmp_path, faq):
    out = tmp_path / "split"
    write_split([faq], out)
    assert sorted(p.name for p in out.iterdir()) == [
        "bank.bank.jsonl", "bank.test.pairs.tsv", "bank.test.queries.jsonl",
        "bank.valid.pairs.tsv", "bank.valid.queries.jsonl"]
    bank = [json.loads(line) for line in (out / "bank.bank.jsonl").read_text(encoding="utf-8").splitlines()]
    assert bank == [{"id": "a", "question": "问题甲"}, {"id": "b", "question": "问题乙"}]
    test = [json.loads(line) for line in (out / "bank.test.queries.jsonl").read_text(encoding="utf-8").splitlines()]
    assert test == [{"text": TEST_TEXT, "expected_faq_id": "a"}]
    # The paraphrase as the bank has it (its split comes from the trimmed text).
    assert (out / "bank.valid.pairs.tsv").read_text(encoding="utf-8") == f"问题乙\t {VALID_TEXT}\t1\n"
