"""The data files the tools read, and the split's files they write.

    pair file   text1<TAB>text2<TAB>label (0/1 or graded), or text1<TAB>text2 for positives
    FAQ bank    JSON lines: id, question, paraphrases (a list of strings)
    FILE[:N]    a file, or a seeded random sample of N of its examples

Training examples that contain a held-out (test or valid) FAQ paraphrase are dropped before
sampling, whichever file they come from.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from .errors import InputError
from .split import split_key, split_of


def parse_source(spec: str) -> tuple[str, int | None]:
    """FILE or FILE:N."""
    head, sep, tail = spec.rpartition(":")
    if sep and tail.isdigit():
        if int(tail) <= 0:
            raise InputError(f"{spec}: the sample size after ':' must be positive")
        return head, int(tail)
    return spec, None


def open_text(path: str):
    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    # utf-8-sig: some of the public files start with a byte-order mark.
    return open(path, encoding="utf-8-sig")


def read_pair_lines(path: str, need_label: bool) -> list[tuple[int, str, str, float | None]]:
    """(line number, text1, text2, label) of a TSV pair file; a bad line stops with its number."""
    rows = []
    with open_text(path) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) not in (2, 3) or (need_label and len(fields) != 3):
                want = "text1<TAB>text2<TAB>label" if need_label else "text1<TAB>text2[<TAB>label]"
                raise InputError(f"{path}:{number}: expected {want}, got {len(fields)} tab-separated field(s)")
            a, b = fields[0], fields[1]
            if not a.strip() or not b.strip():
                raise InputError(f"{path}:{number}: empty text")
            label = None
            if len(fields) == 3:
                try:
                    label = float(fields[2])
                except ValueError:
                    raise InputError(f"{path}:{number}: the label '{fields[2]}' is not a number") from None
                if not np.isfinite(label):
                    raise InputError(f"{path}:{number}: the label '{fields[2]}' is not a finite number")
            rows.append((number, a, b, label))
    if not rows:
        raise InputError(f"{path}: no pairs")
    return rows


def read_eval_pairs(path: str, limit: int) -> tuple[list[str], list[str], np.ndarray]:
    """The first pairs of an evaluation file as deploy/eval.sh reads it: TSV, or JSON lines with
    sentence1/sentence2/label (CLUE's format)."""
    first, second, labels = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.lstrip().startswith("{"):
                record = json.loads(line)
                a, b, label = record["sentence1"], record["sentence2"], record["label"]
            else:
                a, b, label = line.split("\t")[:3]
            first.append(a)
            second.append(b)
            labels.append(float(label))
            if len(labels) == limit:
                break
    return first, second, np.array(labels)


def read_faq(path: str) -> list[dict]:
    """FAQ JSON lines: each needs a non-empty 'question' and a list 'paraphrases' of strings."""
    entries = []
    with open_text(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{number}: not JSON ({e.msg})") from None
            if not isinstance(entry, dict):
                raise InputError(f"{path}:{number}: expected a JSON object")
            question = entry.get("question")
            paraphrases = entry.get("paraphrases", [])
            if not isinstance(question, str) or not question.strip():
                raise InputError(f"{path}:{number}: 'question' must be a non-empty string")
            if not isinstance(paraphrases, list) or not all(isinstance(p, str) for p in paraphrases):
                raise InputError(f"{path}:{number}: 'paraphrases' must be a list of strings")
            entries.append({"id": str(entry.get("id", number)), "question": question,
                            "paraphrases": [p for p in paraphrases if p.strip()]})
    if not entries:
        raise InputError(f"{path}: no FAQ entries")
    return entries


# ---------------------------------------------------------------- held out, sampled

def held_out_keys(faq_files: list[str]) -> set[str]:
    """The split keys of every test or valid paraphrase of the FAQ files."""
    return {split_key(p) for path in faq_files for e in read_faq(path) for p in e["paraphrases"]
            if split_of(p) != "train"}


def drop_held_out(rows: list[tuple], held_out: set[str]) -> tuple[list[tuple], int]:
    """The rows none of whose texts is held out, and how many were dropped."""
    kept = [r for r in rows if not any(split_key(t) in held_out for t in r if isinstance(t, str))]
    return kept, len(rows) - len(kept)


def sample(rows: list, n: int | None, seed: int, path: str) -> list:
    if n is None or n >= len(rows):
        return rows
    # Seeded by the file's name too, so that adding a file does not change another's sample.
    rng = random.Random(f"{seed}:{Path(path).name}")
    return rng.sample(rows, n)


def _keep(rows: list[tuple], n: int | None, held_out: set[str], seed: int, path: str, kind: str,
          loss: str) -> list[tuple]:
    """Drops the held-out FAQ paraphrases, then takes the seeded sample; says what is left."""
    rows, dropped = drop_held_out(rows, held_out)
    rows = sample(rows, n, seed, path)
    print(f"  {kind:<9} {path}: {len(rows)} ({loss}; {dropped} dropped: held-out FAQ paraphrase)")
    return rows


def load_labelled(spec: str, held_out: set[str], seed: int) -> tuple[str, list[tuple[str, str, float]]]:
    """--pairs FILE[:N]: (text1, text2, label) rows, for CoSENT."""
    path, n = parse_source(spec)
    rows = [(a, b, label) for _, a, b, label in read_pair_lines(path, need_label=True)]
    return path, _keep(rows, n, held_out, seed, path, "pairs", "CoSENT")


def load_positives(spec: str, held_out: set[str], seed: int) -> tuple[str, list[tuple[str, str]]]:
    """--positives FILE[:N]: (paraphrase, standard question) rows, the label-1 lines of a labelled file."""
    path, n = parse_source(spec)
    rows = [(a, b) for _, a, b, label in read_pair_lines(path, need_label=False) if label is None or label == 1]
    if not rows:
        raise InputError(f"{path}: no positive pairs (label 1)")
    return path, _keep(rows, n, held_out, seed, path, "positives", "MNRL")


def load_faq_positives(spec: str, held_out: set[str], seed: int) -> tuple[str, list[tuple[str, str]]]:
    """--faq FILE.jsonl[:N]: (paraphrase, question) rows of the bank's train paraphrases."""
    path, n = parse_source(spec)
    rows = [(p, e["question"]) for e in read_faq(path) for p in e["paraphrases"]]
    rows, dropped = drop_held_out(rows, held_out)
    rows = sample(rows, n, seed, path)
    print(f"  faq       {path}: {len(rows)} paraphrase->question (MNRL; {dropped} held out)")
    return path, rows


# ---------------------------------------------------------------- the split's files

def write_split(faq_files: list[str], out: Path) -> None:
    """Per FAQ file: the bank (all standard questions), and the test and valid queries with their answer id."""
    out.mkdir(parents=True, exist_ok=True)
    for path in faq_files:
        entries = read_faq(path)
        stem = Path(path).name.split(".")[0]
        with open(out / f"{stem}.bank.jsonl", "w", encoding="utf-8") as bank:
            for e in entries:
                bank.write(json.dumps({"id": e["id"], "question": e["question"]}, ensure_ascii=False) + "\n")
        counts = {}
        for split in ("test", "valid"):
            queries = [(p, e["id"], e["question"]) for e in entries for p in e["paraphrases"] if split_of(p) == split]
            counts[split] = len(queries)
            with open(out / f"{stem}.{split}.queries.jsonl", "w", encoding="utf-8") as f:
                for p, faq_id, _ in queries:
                    f.write(json.dumps({"text": p, "expected_faq_id": faq_id}, ensure_ascii=False) + "\n")
            # The same as pairs (standard question, paraphrase, 1) for deploy/eval.sh --retrieval, whose bank is
            # the first texts of the file: only the questions that have a query, a smaller bank than the FAQ's.
            with open(out / f"{stem}.{split}.pairs.tsv", "w", encoding="utf-8") as f:
                for p, _, question in queries:
                    f.write(f"{question}\t{p}\t1\n")
        total = sum(len(e["paraphrases"]) for e in entries)
        print(f"{path}: {len(entries)} questions, {total} paraphrases: {counts['test']} test, "
              f"{counts['valid']} valid -> {out}/{stem}.*")
