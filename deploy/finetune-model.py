#!/usr/bin/env python3
"""Fine-tunes a BERT sentence-embedding model for question matching and writes the project's model directory.

The base is a model directory of this project (model.onnx, tokenizer.json, model.json; see README
"Models"), or a Hugging Face / sentence-transformers model path. An ONNX-only directory such as the
bundled bge-small-zh-v1.5 is turned back into a PyTorch BertModel from the graph's initializers
(HF names for embeddings, biases and LayerNorms; the Linear weights are the MatMul initializers,
transposed), and the rebuild is proved before any training: pooled embeddings within 1e-4 of
ONNX Runtime's, and optionally a pair file's cosine Spearman (--check-pairs).

Training data, each with the loss that fits it (sentence-transformers' trainer, one dataset each):

    --pairs FILE[:N]      labelled pairs text1<TAB>text2<TAB>label, 0/1 or graded: CoSENT
    --positives FILE[:N]  paraphrase<TAB>standard question[<TAB>1]; in a labelled file only the
                          label-1 lines: MultipleNegativesRanking, in-batch + mined hard negatives
    --faq FILE.jsonl[:N]  FAQ bank (id, question, paraphrases): paraphrase -> question, as --positives

:N takes a seeded random sample of N examples from the file (balances the mix).

Held-out FAQ paraphrases. Every paraphrase of the --faq / --holdout-faq files is put in a split by
its text: key = the text with a leading U+FEFF removed and surrounding whitespace trimmed;
h = the first 4 bytes of SHA-256(UTF-8 key) as a big-endian unsigned int; h % 20 in 0..3 is
"test" (~20%, the FAQ-retrieval evaluation), h % 20 == 4 is "valid" (~5%, checkpoint selection),
the rest "train". Any training example of any file that contains a test or valid paraphrase is
dropped. --write-split DIR writes the split's files for the evaluation.

Output: --out DIR (fp32) and --out-int8 DIR (onnxruntime.quantization.quantize_dynamic, QInt8
weights), each model.onnx + tokenizer.json + model.json, checked against PyTorch as
export-model.py checks its export, plus the sentence-transformers model (DIR/sentence-transformer)
and the loss/metric log (DIR/training-log.jsonl).

Weight-space interpolation (WiSE-FT, Wortsman et al. 2022): --interpolate 0.6,0.8,1 sets the weights
to base + a * (trained - base) for each a (1 is the trained model, values above 1 extrapolate), scores
each on the selection metric and keeps the best; it trades how far the fine-tune moved against what
the base knew. --interpolate-from DIR names the reference (needed with --export-only).

Training runs on the CPU unless --device cuda (TF32); --max-train-minutes M ends it after M minutes
with a last evaluation, keeping the best checkpoint so far (a GPU lent for a fixed time). A trained
sentence-transformers directory exports on its own: --base DIR --export-only --max-seq-len 512.

    pip install -r deploy/requirements-finetune.txt
    python3 deploy/finetune-model.py --base models/bge --rebuild-only \\
        --check-pairs ../shared/data/atec/ATEC.test.data --check-limit 0
    python3 deploy/finetune-model.py --base models/bge --out models/finance --out-int8 models/finance-q \\
        --pairs ../shared/data/train/ATEC.train.data:20000 --pairs ../shared/data/train/STS-B.train.noeval.data \\
        --positives ../shared/data/train/ATEC.train.data --faq ../shared/data/faq/unionpay_faq.jsonl \\
        --holdout-faq ../shared/data/faq/jiningbank_faq.jsonl \\
        --valid-pairs ../shared/data/atec/ATEC.valid.data --epochs 1 --name my-finance-model
    python3 deploy/finetune-model.py --write-split /tmp/split --holdout-faq ../shared/data/faq/unionpay_faq.jsonl
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
OUTPUT = "last_hidden_state"
OPSET = 14
REBUILD_TOLERANCE = 1e-4
EXPORT_TOLERANCE = 1e-4
# Dynamic int8 moves each embedding a little; below this cosine to fp32 PyTorch it is broken, not rounded.
INT8_MIN_COSINE = 0.97
SPLIT_BUCKETS = 20
TEST_BUCKETS = range(0, 4)
VALID_BUCKETS = range(4, 5)

class InputError(Exception):
    """A problem with the user's input: printed as one line, without a traceback."""


# ---------------------------------------------------------------- held-out split

def split_key(text: str) -> str:
    return text.lstrip("\ufeff").strip()


def split_of(text: str) -> str:
    """'test', 'valid' or 'train' for a FAQ paraphrase; the rule of the module docstring."""
    digest = hashlib.sha256(split_key(text).encode("utf-8")).digest()
    bucket = int.from_bytes(digest[:4], "big") % SPLIT_BUCKETS
    if bucket in TEST_BUCKETS:
        return "test"
    if bucket in VALID_BUCKETS:
        return "valid"
    return "train"


# ---------------------------------------------------------------- reading data

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


def held_out_keys(faq_files: list[str]) -> set[str]:
    return {split_key(p) for path in faq_files for e in read_faq(path) for p in e["paraphrases"]
            if split_of(p) != "train"}


def sample(rows: list, n: int | None, seed: int, path: str) -> list:
    if n is None or n >= len(rows):
        return rows
    # Seeded by the file's name too, so that adding a file does not change another's sample.
    rng = random.Random(f"{seed}:{Path(path).name}")
    return rng.sample(rows, n)


def drop_held_out(rows: list[tuple], held_out: set[str]) -> tuple[list[tuple], int]:
    kept = [r for r in rows if not any(split_key(t) in held_out for t in r if isinstance(t, str))]
    return kept, len(rows) - len(kept)


def _keep(rows: list[tuple], n: int | None, held_out: set[str], seed: int, path: str, kind: str,
          loss: str) -> list[tuple]:
    """Drops the held-out FAQ paraphrases, then takes the seeded sample; says what is left."""
    rows, dropped = drop_held_out(rows, held_out)
    rows = sample(rows, n, seed, path)
    print(f"  {kind:<9} {path}: {len(rows)} ({loss}; {dropped} dropped: held-out FAQ paraphrase)")
    return rows


def load_labelled(spec: str, held_out: set[str], seed: int) -> tuple[str, list[tuple[str, str, float]]]:
    path, n = parse_source(spec)
    rows = [(a, b, label) for _, a, b, label in read_pair_lines(path, need_label=True)]
    return path, _keep(rows, n, held_out, seed, path, "pairs", "CoSENT")


def load_positives(spec: str, held_out: set[str], seed: int) -> tuple[str, list[tuple[str, str]]]:
    path, n = parse_source(spec)
    rows = [(a, b) for _, a, b, label in read_pair_lines(path, need_label=False) if label is None or label == 1]
    if not rows:
        raise InputError(f"{path}: no positive pairs (label 1)")
    return path, _keep(rows, n, held_out, seed, path, "positives", "MNRL")


def load_faq_positives(spec: str, held_out: set[str], seed: int) -> tuple[str, list[tuple[str, str]]]:
    path, n = parse_source(spec)
    rows = [(p, e["question"]) for e in read_faq(path) for p in e["paraphrases"]]
    rows, dropped = drop_held_out(rows, held_out)
    rows = sample(rows, n, seed, path)
    print(f"  faq       {path}: {len(rows)} paraphrase->question (MNRL; {dropped} held out)")
    return path, rows


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


# ---------------------------------------------------------------- the base model

def is_project_model_dir(path: str) -> bool:
    p = Path(path)
    return p.is_dir() and (p / "model.onnx").is_file() and (p / "model.json").is_file()


def read_model_json(directory: Path) -> dict:
    for name in ("model.onnx", "tokenizer.json", "model.json"):
        if not (directory / name).is_file():
            raise InputError(f"{directory}: no {name} (a model directory holds model.onnx, tokenizer.json, model.json)")
    try:
        spec = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(f"{directory}/model.json: not JSON ({e.msg})") from None
    for key in ("pooling", "max_seq_len"):
        if key not in spec:
            raise InputError(f"{directory}/model.json: no '{key}'")
    if spec["pooling"] not in ("mean", "cls"):
        raise InputError(f"{directory}/model.json: pooling '{spec['pooling']}' is neither mean nor cls")
    spec.setdefault("normalize", True)
    spec.setdefault("output", OUTPUT)
    spec.setdefault("lowercase", False)
    return spec


def onnx_weights(onnx_path: Path) -> dict[str, np.ndarray]:
    """The BertModel state dict held by an exported BERT graph's initializers."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(onnx_path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    # A wrapped model's export prefixes every name with the wrapper's attribute ("model." in this tool's
    # own output, "bert." in a BertFor* head's): the prefix of the word embeddings is stripped from all.
    word = [n for n in inits if n.endswith("embeddings.word_embeddings.weight")]
    prefix = word[0][:-len("embeddings.word_embeddings.weight")] if len(word) == 1 else ""
    state = {name[len(prefix):]: array for name, array in inits.items()
             if not name.startswith("onnx::") and name.startswith(prefix)}
    consumers = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)
    # A Linear became MatMul(x, W^T) then Add(bias): the bias's HF name names the weight.
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        weights = [name for name in node.input if name in inits]
        if not weights:
            continue
        bias = [name[len(prefix):] for add in consumers[node.output[0]] if add.op_type == "Add"
                for name in add.input if name in inits and name.endswith(".bias")]
        if len(weights) != 1 or len(bias) != 1:
            raise InputError(f"{onnx_path}: MatMul {node.name} has no single bias Add after it; not a BERT export "
                             "this tool can rebuild")
        state[bias[0][:-len(".bias")] + ".weight"] = inits[weights[0]].T.copy()
    return state


def bert_config_from_weights(state: dict[str, np.ndarray], heads: int):
    from transformers import BertConfig

    if "embeddings.word_embeddings.weight" not in state:
        raise InputError("the graph has no initializer embeddings.word_embeddings.weight: not a BERT export")
    vocab, hidden = state["embeddings.word_embeddings.weight"].shape
    layers = 1 + max(int(k.split(".")[2]) for k in state if k.startswith("encoder.layer."))
    return BertConfig(vocab_size=vocab, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                      intermediate_size=state["encoder.layer.0.intermediate.dense.bias"].shape[0],
                      max_position_embeddings=state["embeddings.position_embeddings.weight"].shape[0],
                      type_vocab_size=state["embeddings.token_type_embeddings.weight"].shape[0],
                      hidden_act="gelu", layer_norm_eps=1e-12, attn_implementation="eager")


def load_bert(state: dict[str, np.ndarray], heads: int):
    import torch
    from transformers import BertModel

    model = BertModel(bert_config_from_weights(state, heads), add_pooling_layer=False)
    missing, unexpected = model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise InputError(f"the graph's weights do not fill a BertModel: missing {missing[:5]}, "
                         f"unexpected {unexpected[:5]}")
    return model.eval()


def ort_session(onnx_path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    # As the job's sessions (OrtSessions.X64_QUANT_PRECISION): int8 products exact on CPUs without VNNI too,
    # so that the int8 check sees what the job computes on any CPU.
    options.add_session_config_entry("session.x64quantprecision", "1")
    return ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])


@functools.lru_cache(maxsize=4)
def java_like_tokenizer(tokenizer_json: str, max_len: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(tokenizer_json)
    tok.enable_truncation(max_len)
    tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0)
    return tok


def tokenizer_feeds(tokenizer_json: Path, spec: dict, texts: list[str], session) -> dict[str, np.ndarray]:
    """A padded batch as the Java side builds it: tokenizer.json as it is, token types 0."""
    tok = java_like_tokenizer(str(tokenizer_json), spec["max_seq_len"])
    encodings = tok.encode_batch([t.lower() if spec.get("lowercase") else t for t in texts])
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
             "token_type_ids": np.zeros_like(ids)}
    names = {i.name for i in session.get_inputs()}
    return {k: v for k, v in feeds.items() if k in names}


def _sibling_tool(file_name: str, module_name: str):
    """A tool of deploy/ loaded as a module (its file name has a dash, or it is not a package)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(module_name, Path(__file__).with_name(file_name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def _export_tool():
    """deploy/export-model.py as a module: its pooling is the one both tools check ONNX Runtime against."""
    return _sibling_tool("export-model.py", "export_model")


@functools.cache
def _row_quantize_tool():
    """deploy/row_quantize.py as a module: quantize_dynamic's per-batch activation scales made batch-independent."""
    return _sibling_tool("row_quantize.py", "row_quantize")


def pool(hidden: np.ndarray, mask: np.ndarray, pooling: str, normalize: bool) -> np.ndarray:
    """Pooling as model.json says (float64), then L2-normalized if asked: the Java side's Pooling."""
    return _export_tool().pool(hidden, mask, pooling, normalize)


def ort_embed(directory: Path, spec: dict, texts: list[str], threads: int) -> np.ndarray:
    session = ort_session(directory / "model.onnx", threads)
    out = []
    # The whole padded batch, then each text alone: both shapes must agree with PyTorch.
    for batch in [texts] + [[t] for t in texts]:
        feeds = tokenizer_feeds(directory / "tokenizer.json", spec, batch, session)
        (hidden,) = session.run([spec["output"]], feeds)
        out.append(pool(hidden, feeds["attention_mask"], spec["pooling"], spec["normalize"]))
    return np.concatenate(out)


def bert_embed(model, directory: Path, spec: dict, texts: list[str]) -> np.ndarray:
    """The BertModel on the same feeds as ort_embed, so that only the weights and the graph differ."""
    import torch

    session = ort_session(directory / "model.onnx", 1)
    out = []
    for batch in [texts] + [[t] for t in texts]:
        feeds = tokenizer_feeds(directory / "tokenizer.json", spec, batch, session)
        feeds.setdefault("token_type_ids", np.zeros_like(feeds["input_ids"]))
        with torch.no_grad():
            hidden = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).last_hidden_state.numpy()
        out.append(pool(hidden, feeds["attention_mask"], spec["pooling"], spec["normalize"]))
    return np.concatenate(out)


def rebuild_from_onnx(directory: Path, threads: int):
    """The BertModel of an ONNX model directory, with the head count that reproduces ORT (the graph does not say it)."""
    spec = read_model_json(directory)
    state = onnx_weights(directory / "model.onnx")
    hidden = state["embeddings.word_embeddings.weight"].shape[1]
    reference = ort_embed(directory, spec, _export_tool().SAMPLES, threads)
    best = None
    for heads in [h for h in (12, 8, 16, 4, 6, 2, 1, 24, 32) if hidden % h == 0]:
        model = load_bert(state, heads)
        diff = float(np.abs(bert_embed(model, directory, spec, _export_tool().SAMPLES) - reference).max())
        if best is None or diff < best[1]:
            best = (model, diff, heads)
        if diff <= REBUILD_TOLERANCE:
            break
    model, diff, heads = best
    print(f"rebuilt BertModel from {directory}/model.onnx: {model.config.num_hidden_layers} layers, hidden {hidden}, "
          f"{heads} heads, intermediate {model.config.intermediate_size}, vocabulary {model.config.vocab_size}")
    print(f"max abs difference of pooled embeddings, rebuilt PyTorch vs ONNX Runtime: {diff:.3e} "
          f"(limit {REBUILD_TOLERANCE:.0e})")
    if not diff <= REBUILD_TOLERANCE:
        raise InputError(f"the rebuilt model disagrees with {directory}/model.onnx by {diff:.3e}")
    return model, spec


def hf_tokenizer(tokenizer_json: Path, max_len: int):
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    # From the tokenizers object itself: transformers 5 ignores BertTokenizerFast's old vocabulary argument.
    return PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_file(str(tokenizer_json)), unk_token="[UNK]",
                                   sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
                                   model_max_length=max_len)


def sentence_transformer(hf_dir: Path, pooling: str, train_len: int, lowercase: bool):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(str(hf_dir), max_seq_length=train_len, do_lower_case=lowercase,
                              model_kwargs={"attn_implementation": "eager"})
    return SentenceTransformer(modules=[transformer, Pooling(transformer.get_embedding_dimension(), pooling),
                                        Normalize()], device="cpu")


def load_base(args, work: Path):
    """(SentenceTransformer, spec of the output model.json, tokenizer.json to ship) for --base."""
    from sentence_transformers import SentenceTransformer

    base = args.base
    if is_project_model_dir(base) or (Path(base) / "model.onnx").is_file():
        directory = Path(base)
        bert, spec = rebuild_from_onnx(directory, args.threads)
        hf_dir = work / "base-hf"
        bert.save_pretrained(str(hf_dir))
        hf_tokenizer(directory / "tokenizer.json", spec["max_seq_len"]).save_pretrained(str(hf_dir))
        model = sentence_transformer(hf_dir, spec["pooling"], args.train_max_len, bool(spec["lowercase"]))
        check_st_against_ort(model, directory, spec, args.threads)
        return model, spec, directory / "tokenizer.json"
    if Path(base).exists() and not Path(base).is_dir():
        raise InputError(f"--base {base}: not a directory")
    if not Path(base).exists() and (base.startswith((".", "/", "~")) or base.count("/") != 1):
        raise InputError(f"--base {base}: no such directory (nor a hub name of the form owner/name)")
    if (Path(base) / "modules.json").is_file() or not Path(base).exists():
        model = SentenceTransformer(base, device="cpu")
    else:
        if args.pooling is None:
            raise InputError(f"--base {base} is a plain Hugging Face model: pass --pooling mean|cls")
        model = sentence_transformer(Path(base), args.pooling, args.train_max_len, False)
    pooling = args.pooling or pooling_of(model)
    transformer = model[0]
    spec = {"pooling": pooling, "normalize": True, "output": OUTPUT,
            "max_seq_len": int(min(transformer.max_seq_length or 512, transformer.auto_model.config.max_position_embeddings)),
            "lowercase": bool(getattr(transformer, "do_lower_case", False))}
    transformer.max_seq_length = args.train_max_len
    tokenizer_json = work / "base-tokenizer" / "tokenizer.json"
    transformer.tokenizer.save_pretrained(str(tokenizer_json.parent))
    if not tokenizer_json.is_file():
        raise InputError(f"--base {base} has no fast tokenizer, so no tokenizer.json can be written")
    # save_pretrained writes the training length as tokenizer.json's truncation (and a padding rule); the job
    # truncates at model.json's max_seq_len itself, so the shipped file carries neither, as bge's does.
    tokenizer = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    tokenizer["truncation"] = tokenizer["padding"] = None
    tokenizer_json.write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    return model, spec, tokenizer_json


def pooling_of(model) -> str:
    for module in model:
        mode = getattr(module, "pooling_mode", None)
        if mode in ("mean", "cls"):
            return mode
        if mode is not None:
            raise InputError(f"the model pools with {mode}; the project supports mean or cls")
    raise InputError("the model has no Pooling module: pass --pooling mean|cls")


def check_st_against_ort(model, directory: Path, spec: dict, threads: int) -> None:
    """The sentence-transformers model (its own tokenizer path) against ORT on the original directory."""
    saved = model[0].max_seq_length
    model[0].max_seq_length = spec["max_seq_len"]
    ours = model.encode(_export_tool().SAMPLES, batch_size=len(_export_tool().SAMPLES), convert_to_numpy=True).astype(np.float64)
    model[0].max_seq_length = saved
    theirs = ort_embed(directory, spec, _export_tool().SAMPLES, threads)[:len(_export_tool().SAMPLES)]
    diff = float(np.abs(ours - theirs).max())
    print(f"max abs difference, sentence-transformers model vs ONNX Runtime: {diff:.3e} (limit {REBUILD_TOLERANCE:.0e})")
    if not diff <= REBUILD_TOLERANCE:
        raise InputError(f"the sentence-transformers model disagrees with ONNX Runtime by {diff:.3e}")


# ---------------------------------------------------------------- scoring

def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr  # average ranks for ties, as deploy/eval.sh

    return 100 * float(spearmanr(a, b).statistic)


def pair_spearman(model, path: str, limit: int, max_len: int) -> tuple[float, int]:
    rows = read_pair_lines(path, need_label=True)
    if limit:
        rows = rows[:limit]
    # Embedded at the model's own max_seq_len as the job does, not at the training length.
    saved = model[0].max_seq_length
    model[0].max_seq_length = max_len
    texts = sorted({t for _, a, b, _ in rows for t in (a, b)}, key=len)
    vectors = model.encode(texts, batch_size=64, convert_to_numpy=True, show_progress_bar=True)
    model[0].max_seq_length = saved
    index = {t: i for i, t in enumerate(texts)}
    cosine = np.array([float(vectors[index[a]] @ vectors[index[b]]) for _, a, b, _ in rows])
    return spearman(cosine, np.array([label for *_, label in rows])), len(rows)


# ---------------------------------------------------------------- training

def mine_negatives(model, rows: list[tuple[str, str]], count: int, batch_size: int):
    """(anchor, positive, negative...) rows: the closest other positives, a margin below the true one."""
    from datasets import Dataset
    from sentence_transformers.util import mine_hard_negatives

    dataset = Dataset.from_dict({"anchor": [a for a, _ in rows], "positive": [p for _, p in rows]})
    # relative_margin: a candidate nearly as close as the true positive is likely another paraphrase of it.
    return mine_hard_negatives(dataset, model, num_negatives=count, range_max=30, relative_margin=0.05,
                               sampling_strategy="top", output_format="n-tuple", batch_size=batch_size,
                               verbose=False)


def build_datasets(args, model, held_out: set[str]):
    from datasets import Dataset
    from sentence_transformers.sentence_transformer.losses import CoSENTLoss, MultipleNegativesRankingLoss

    datasets, losses = {}, {}
    cosent = CoSENTLoss(model)
    mnrl = MultipleNegativesRankingLoss(model)

    def unique(path: str, kind: str) -> str:
        name = f"{kind}-{Path(path).name.split('.')[0]}"
        while name in datasets:
            name += "+"
        return name

    for spec in args.pairs:
        path, rows = load_labelled(spec, held_out, args.seed)
        name = unique(path, "pairs")
        datasets[name] = Dataset.from_dict({"sentence1": [a for a, _, _ in rows], "sentence2": [b for _, b, _ in rows],
                                            "score": [float(s) for *_, s in rows]})
        losses[name] = cosent
    positive_sets = [("positives", load_positives(s, held_out, args.seed)) for s in args.positives]
    positive_sets += [("faq", load_faq_positives(s, held_out, args.seed)) for s in args.faq]
    for kind, (path, rows) in positive_sets:
        name = unique(path, kind)
        if args.hard_negatives > 0:
            started = time.time()
            mined = mine_negatives(model, rows, args.hard_negatives, args.batch_size)
            if len(mined):
                datasets[name], losses[name] = mined, mnrl
            # The miner drops a pair when every candidate is within the margin of its positive, which is
            # most often a positive worded far from its anchor. --keep-unmined trains those as a set of
            # their own (MNRL needs one column layout per set) with in-batch negatives only; off by
            # default so that the shipped model's recipe (docs/ACCURACY.md, run 3) trains as it did.
            kept = set(zip(mined["anchor"], mined["positive"]))
            unmined = [(a, p) for a, p in rows if (a, p) not in kept]
            print(f"    mined {args.hard_negatives} hard negative(s) for {len(mined)} of {len(rows)} pairs in "
                  f"{time.time() - started:.0f} s; the other {len(unmined)} "
                  + ("train with in-batch negatives" if args.keep_unmined else "are dropped (--keep-unmined keeps them)"))
            rows = unmined if args.keep_unmined else []
            name = unique(path, kind + "-unmined")
        if rows:
            datasets[name] = Dataset.from_dict({"anchor": [a for a, _ in rows], "positive": [p for _, p in rows]})
            losses[name] = mnrl
    if not datasets:
        raise InputError("no training data: give --pairs, --positives or --faq")
    return datasets, losses


def build_evaluator(args, model_len: int):
    from sentence_transformers.sentence_transformer.evaluation import (
        EmbeddingSimilarityEvaluator, InformationRetrievalEvaluator, SequentialEvaluator)

    evaluators = []
    for spec in args.valid_pairs:
        path, n = parse_source(spec)
        rows = read_pair_lines(path, need_label=True)[:n] if n else read_pair_lines(path, need_label=True)
        evaluators.append(EmbeddingSimilarityEvaluator([a for _, a, _, _ in rows], [b for _, _, b, _ in rows],
                                                       [s for *_, s in rows], batch_size=64,
                                                       name=Path(path).name.split(".")[0].lower() + "-valid",
                                                       similarity_fn_names=["cosine"]))
    faq_files = args.faq_paths + args.holdout_faq
    if faq_files and args.valid_faq_queries:
        corpus, queries, relevant = {}, {}, {}
        for path in faq_files:
            stem = Path(path).name.split(".")[0]
            for e in read_faq(path):
                cid = f"{stem}/{e['id']}"
                corpus[cid] = e["question"]
                for p in e["paraphrases"]:
                    if split_of(p) == "valid":
                        qid = f"{stem}/q{len(queries)}"
                        queries[qid], relevant[qid] = p, {cid}
        chosen = random.Random(args.seed).sample(sorted(queries), min(args.valid_faq_queries, len(queries)))
        evaluators.append(InformationRetrievalEvaluator({q: queries[q] for q in chosen}, corpus,
                                                        {q: relevant[q] for q in chosen}, name="faq-valid",
                                                        accuracy_at_k=[1, 5], precision_recall_at_k=[1],
                                                        mrr_at_k=[10], ndcg_at_k=[10], map_at_k=[10],
                                                        batch_size=64))
    if not evaluators:
        return None, None
    # SequentialEvaluator's main score is the first one's: ATEC valid Spearman when given.
    evaluator = SequentialEvaluator(evaluators)
    first = evaluators[0]
    metric = (f"eval_{first.name}_spearman_cosine" if isinstance(first, EmbeddingSimilarityEvaluator)
              else "eval_faq-valid_cosine_accuracy@1")
    return evaluator, metric


def make_log_callback(path: Path):
    from transformers import TrainerCallback

    class JsonLog(TrainerCallback):
        """Every loss and metric the trainer logs, one JSON line each, as it happens."""

        def on_log(self, args, state, control, logs=None, **kwargs):
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"step": state.global_step, "epoch": state.epoch, "time": time.time(), **(logs or {})},
                                   ensure_ascii=False) + "\n")

    return JsonLog()


def make_deadline_callback(minutes: float, select: bool):
    from transformers import TrainerCallback

    class Deadline(TrainerCallback):
        """Ends training after a wall-clock budget (a lent GPU, a night): evaluated and checkpointed at the stop,
        so that the best checkpoint so far is still the one kept."""

        def __init__(self):
            self.deadline = None

        def on_train_begin(self, args, state, control, **kwargs):
            self.deadline = time.time() + 60 * minutes

        def on_step_end(self, args, state, control, **kwargs):
            if time.time() >= self.deadline and not control.should_training_stop:
                print(f"--max-train-minutes {minutes:g} reached at step {state.global_step}: stopping")
                control.should_training_stop = True
                control.should_evaluate = control.should_save = select
            return control

    return Deadline()


def train(args, model, datasets, losses, evaluator, metric, work: Path, log_path: Path, base_score=None):
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import BatchSamplers, MultiDatasetBatchSamplers

    select = evaluator is not None and args.eval_steps > 0
    training_args = SentenceTransformerTrainingArguments(
        output_dir=str(work / "checkpoints"),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps if args.max_steps else -1,
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr,
        warmup_ratio=args.warmup_ratio,
        weight_decay=0.01,
        seed=args.seed,
        data_seed=args.seed,
        use_cpu=args.device == "cpu",
        # In-batch negatives: a repeated standard question in one batch would be its own false negative.
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        multi_dataset_batch_sampler=MultiDatasetBatchSamplers.PROPORTIONAL,
        logging_steps=args.log_steps,
        eval_strategy="steps" if select else "no",
        eval_steps=args.eval_steps if select else None,
        save_strategy="steps" if select else "no",
        save_steps=args.eval_steps if select else None,
        save_total_limit=2 if select else None,
        load_best_model_at_end=select,
        metric_for_best_model=metric if select else None,
        greater_is_better=True,
        report_to="none",
        dataloader_num_workers=0,
        disable_tqdm=False,
    )
    trainer = SentenceTransformerTrainer(model=model, args=training_args, train_dataset=datasets, loss=losses,
                                         evaluator=evaluator if select else None,
                                         callbacks=[make_log_callback(log_path)]
                                         + ([make_deadline_callback(args.max_train_minutes, select)]
                                            if args.max_train_minutes else []))
    started = time.time()
    trainer.train()
    elapsed = time.time() - started
    best = trainer.state.best_model_checkpoint
    print(f"trained {trainer.state.global_step} steps in {elapsed:.0f} s"
          + (f"; best checkpoint {Path(best).name} ({metric} {trainer.state.best_metric:.4f})" if best else ""))
    if best and base_score is not None and trainer.state.best_metric < base_score:
        # The trainer only compares its own checkpoints; the base model may still be the better one.
        print(f"warning: the best checkpoint scores below the base model ({metric} {trainer.state.best_metric:.4f} "
              f"< {base_score:.4f}): more data, another --lr or more steps are needed before it replaces the base")
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"done": True, "steps": trainer.state.global_step, "train_seconds": elapsed,
                            "best_checkpoint": Path(best).name if best else None,
                            "best_metric": trainer.state.best_metric, "metric": metric}) + "\n")
    return model


# ---------------------------------------------------------------- interpolation

def state_snapshot(model) -> dict:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def load_reference(args, work: Path) -> dict:
    """The --interpolate-from model's weights, loaded (and checked) as a --base is."""
    reference_args = argparse.Namespace(**{**vars(args), "base": args.interpolate_from})
    print(f"interpolation reference: {args.interpolate_from}")
    model, _, _ = load_base(reference_args, work / "interpolate-from")
    return state_snapshot(model)


def interpolate(args, model, reference: dict, evaluator, metric: str | None, log_path: Path) -> float:
    """Sets the model's weights to reference + a * (model - reference) for the best a of --interpolate."""
    model.to("cpu")
    trained = state_snapshot(model)
    mismatched = sorted(set(trained) ^ set(reference)) or [k for k in trained if trained[k].shape != reference[k].shape]
    if mismatched:
        raise InputError(f"the interpolation reference is not the same architecture as the model (first difference: "
                         f"{mismatched[0]}); --interpolate-from must be the model that was fine-tuned")

    def mix(alpha: float) -> dict:
        return {k: reference[k] + alpha * (v - reference[k]) if v.is_floating_point() else v for k, v in trained.items()}

    scores = {}
    if len(args.interpolate) > 1:
        for alpha in args.interpolate:
            model.load_state_dict(mix(alpha))
            result = evaluator(model)
            scores[alpha] = result[metric.removeprefix("eval_")]
            print(f"interpolated a={alpha:g}: " + ", ".join(f"{k} {v:.4f}" for k, v in result.items()))
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"interpolate": alpha, **{f"eval_{k}": v for k, v in result.items()}}) + "\n")
    chosen = max(args.interpolate, key=lambda a: scores.get(a, 0.0))  # the first of equals
    model.load_state_dict(mix(chosen))
    print(f"interpolation: a={chosen:g}" + (f" kept ({metric} {scores[chosen]:.4f})" if scores else ""))
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"interpolated": chosen, "metric": metric if scores else None}) + "\n")
    return chosen


# ---------------------------------------------------------------- export

class LastHiddenState:
    """Wraps the encoder so that the graph has the one output the project reads (see export-model.py)."""

    @staticmethod
    def module(bert):
        import torch

        class Wrapper(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.model = bert

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.model(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state

        return Wrapper()


def export_onnx(bert, tokenizer_json: Path, spec: dict, path: Path) -> None:
    import torch

    session_free_feeds = encode_for_export(tokenizer_json, spec, _export_tool().SAMPLES[:2])
    dynamic = {0: "batch", 1: "sequence"}
    bert.eval()
    # eval() on the wrapper too: the exporter restores the given module's training flag, and a new Module's is True.
    with torch.no_grad():
        torch.onnx.export(LastHiddenState.module(bert).eval(),
                          tuple(torch.from_numpy(session_free_feeds[name]) for name in INPUTS), str(path),
                          input_names=INPUTS, output_names=[OUTPUT],
                          dynamic_axes={name: dynamic for name in INPUTS + [OUTPUT]},
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)


def encode_for_export(tokenizer_json: Path, spec: dict, texts: list[str]) -> dict[str, np.ndarray]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_json))
    tok.enable_truncation(spec["max_seq_len"])
    tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0)
    encodings = tok.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    return {"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.zeros_like(ids)}


def check_graph(path: Path) -> None:
    import onnx

    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    if inputs != INPUTS or outputs != [OUTPUT]:
        raise InputError(f"unexpected graph signature: inputs {inputs}, outputs {outputs}")
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if not (dims[0].dim_param and dims[1].dim_param):
            raise InputError(f"{value.name} has a fixed batch or sequence axis")


def write_model_dir(out: Path, spec: dict, tokenizer_json: Path, onnx_src: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(onnx_src, out / "model.onnx")
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    (out / "model.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def export(args, model, spec: dict, tokenizer_json: Path, work: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.to("cpu")  # the export and its checks run where ONNX Runtime runs
    bert = model[0].auto_model
    bert.eval()
    out_spec = {"name": args.name, "pooling": spec["pooling"], "normalize": True, "max_seq_len": int(spec["max_seq_len"]),
                "output": OUTPUT, "dim": int(bert.config.hidden_size), "lowercase": bool(spec["lowercase"])}
    fp32 = work / "fp32.onnx"
    export_onnx(bert, tokenizer_json, out_spec, fp32)
    out = Path(args.out)
    write_model_dir(out, out_spec, tokenizer_json, fp32)
    check_graph(out / "model.onnx")
    reference = bert_embed(bert, out, out_spec, _export_tool().SAMPLES)
    diff = float(np.abs(ort_embed(out, out_spec, _export_tool().SAMPLES, args.threads) - reference).max())
    print(f"fp32 {out}: max abs difference of pooled embeddings, ONNX Runtime vs PyTorch {diff:.3e} "
          f"(limit {EXPORT_TOLERANCE:.0e}); {(out / 'model.onnx').stat().st_size / 2**20:.1f} MiB")
    if not diff <= EXPORT_TOLERANCE:
        raise InputError(f"the exported fp32 model disagrees with PyTorch by {diff:.3e}")
    model.save(str(out / "sentence-transformer"))
    if args.out_int8:
        int8 = work / "int8.onnx"
        # Per-channel scales: one scale per output column kept the sample embeddings at cosine >= 0.99 to fp32
        # where one scale per tensor fell to 0.96 (bge-small-zh-v1.5 and its fine-tunes).
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        # quantize_dynamic scales each activation over the whole batch, padding included: a text's embedding
        # then depends on its batch. Calibrated constant or per-token scales instead (deploy/row_quantize.py).
        row_quantize = _row_quantize_tool()
        try:
            print(row_quantize.rewrite_file(int8, int8, tokenizer_json))
        except row_quantize.RewriteError as e:
            raise InputError(f"int8 activation quantization: {e}")
        q_out = Path(args.out_int8)
        write_model_dir(q_out, {**out_spec, "name": args.name}, tokenizer_json, int8)
        check_graph(q_out / "model.onnx")
        got = ort_embed(q_out, out_spec, _export_tool().SAMPLES, args.threads)
        diff = float(np.abs(got - reference).max())
        cosine = float(min((got * reference).sum(axis=1)))
        print(f"int8 {q_out}: max abs difference vs fp32 PyTorch {diff:.3e}, lowest cosine {cosine:.4f} "
              f"(limit {INT8_MIN_COSINE}); {(q_out / 'model.onnx').stat().st_size / 2**20:.1f} MiB")
        if not cosine >= INT8_MIN_COSINE:
            raise InputError(f"the int8 model's embeddings are too far from fp32 (cosine {cosine:.4f})")


# ---------------------------------------------------------------- main

def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", help="project model directory (model.onnx, tokenizer.json, model.json), or a Hugging Face / "
                                  "sentence-transformers model path")
    p.add_argument("--out", help="fp32 model directory to write")
    p.add_argument("--out-int8", help="also write the int8 (dynamic quantization) model directory here")
    p.add_argument("--name", help="model name in model.json (default: the --out directory's name)")
    p.add_argument("--pooling", choices=["mean", "cls"], help="for a plain Hugging Face --base (no Pooling module)")
    p.add_argument("--pairs", action="append", default=[], metavar="FILE[:N]", help="labelled pairs (CoSENT)")
    p.add_argument("--positives", action="append", default=[], metavar="FILE[:N]",
                   help="positive pairs, paraphrase -> standard question (MultipleNegativesRanking)")
    p.add_argument("--faq", action="append", default=[], metavar="FILE.jsonl[:N]",
                   help="FAQ bank with paraphrases: the train split's paraphrase -> question (MultipleNegativesRanking)")
    p.add_argument("--holdout-faq", action="append", default=[], metavar="FILE.jsonl",
                   help="FAQ bank whose test and valid paraphrases are kept out of all training data (the --faq "
                        "files are, always)")
    p.add_argument("--hard-negatives", type=int, default=1, metavar="N",
                   help="hard negatives mined per positive pair with the base model (default 1; 0: in-batch only)")
    p.add_argument("--keep-unmined", action="store_true",
                   help="keep the positive pairs for which no hard negative passes the margin, with in-batch "
                        "negatives only (default: dropped, as sentence-transformers' miner does)")
    p.add_argument("--valid-pairs", action="append", default=[], metavar="FILE[:N]",
                   help="labelled pairs for checkpoint selection (cosine Spearman; the first N pairs)")
    p.add_argument("--valid-faq-queries", type=int, default=500, metavar="N",
                   help="valid-split FAQ paraphrases scored as retrieval at each evaluation (default 500; 0: none)")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: --epochs decides)")
    p.add_argument("--max-train-minutes", type=float, default=0, metavar="M",
                   help="also stop training after M minutes, evaluating and checkpointing there (0: no limit; the "
                        "learning-rate schedule still follows --max-steps/--epochs)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--warmup-ratio", type=float, default=0.1)
    p.add_argument("--train-max-len", type=int, default=64,
                   help="tokens per text while training (questions are short; model.json keeps the base's max_seq_len)")
    p.add_argument("--eval-steps", type=int, default=0, help="evaluate and checkpoint every N steps (0: no selection)")
    p.add_argument("--log-steps", type=int, default=20)
    p.add_argument("--seed", type=int, default=20261203)
    p.add_argument("--threads", type=int, default=2, help="torch and ONNX Runtime threads (default 2)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                   help="where to train and mine (default cpu; cuda: the first visible GPU, CUDA_VISIBLE_DEVICES "
                        "picks another); loading, the checks and the export run on the CPU either way")
    p.add_argument("--interpolate", type=alpha_list, metavar="A[,A...]",
                   help="weights = reference + A * (trained - reference) (WiSE-FT); with several values the best on "
                        "the selection metric is kept (1: the trained model; above 1 extrapolates)")
    p.add_argument("--interpolate-from", metavar="DIR",
                   help="the reference of --interpolate (default: --base; required with --export-only)")
    p.add_argument("--check-pairs", metavar="FILE",
                   help="print the base's cosine Spearman x100 on this pair file (the rebuild's proof), and the "
                        "trained (and interpolated) model's")
    p.add_argument("--check-limit", type=int, default=2000, metavar="N", help="pairs of --check-pairs (0: all)")
    p.add_argument("--rebuild-only", action="store_true", help="load and check the base, then stop")
    p.add_argument("--export-only", action="store_true",
                   help="no training: export --base (e.g. a checkpoint, a sentence-transformers directory) to --out")
    p.add_argument("--max-seq-len", type=int, help="max_seq_len of the written model.json (default: the base's; a "
                                                   "trainer checkpoint holds the training length instead)")
    p.add_argument("--write-split", metavar="DIR", help="write the held-out split of the --faq/--holdout-faq files, "
                                                        "then stop")
    args = p.parse_args(argv)
    args.faq_paths = [parse_source(s)[0] for s in args.faq]
    if args.write_split:
        if not (args.faq_paths or args.holdout_faq):
            p.error("--write-split needs --faq or --holdout-faq files")
        return args
    if not args.base:
        p.error("--base is required")
    if not args.rebuild_only and not args.out:
        p.error("--out is required (or --rebuild-only)")
    if args.out and not args.name:
        args.name = Path(args.out).name
    if args.batch_size < 2:
        p.error("--batch-size must be at least 2 (in-batch negatives)")
    if args.interpolate_from and not args.interpolate:
        p.error("--interpolate-from needs --interpolate")
    if args.interpolate and args.export_only and not args.interpolate_from:
        p.error("--interpolate with --export-only needs --interpolate-from (the model --base was fine-tuned from)")
    if args.interpolate and len(args.interpolate) > 1 and not (
            args.valid_pairs or ((args.faq_paths or args.holdout_faq) and args.valid_faq_queries)):
        p.error("--interpolate with several values needs --valid-pairs (or --faq) to choose between them")
    return args


def alpha_list(text: str) -> list[float]:
    try:
        alphas = [float(a) for a in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected numbers separated by commas, e.g. 0.6,0.8,1")
    if len(set(alphas)) != len(alphas):
        raise argparse.ArgumentTypeError(f"{text!r}: a value is repeated")
    return alphas


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        if args.write_split:
            write_split(args.faq_paths + args.holdout_faq, Path(args.write_split))
            return 0
        return run(args)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def print_check(args, model, spec: dict, what: str, exported: bool = True) -> None:
    if args.check_pairs:
        score, n = pair_spearman(model, args.check_pairs, args.check_limit, spec["max_seq_len"])
        print(f"{what} model (PyTorch): cosine Spearman x100 on {n} pairs of {args.check_pairs}: {score:.4f}"
              + (f"\n  deploy/eval.sh --model-dir {args.out} --limit {args.check_limit} {args.check_pairs} "
                 "must print the same" if exported else ""))


def check_inputs_exist(args) -> None:
    """Before the minutes of loading and checking the base: a missing data file fails at once."""
    for spec in args.pairs + args.positives + args.faq + args.valid_pairs + args.holdout_faq:
        path, _ = parse_source(spec)
        if not Path(path).is_file():
            raise InputError(f"{path}: no such file")
    if args.check_pairs and not Path(args.check_pairs).is_file():
        raise InputError(f"{args.check_pairs}: no such file")
    if args.interpolate_from and not Path(args.interpolate_from).is_dir():
        raise InputError(f"--interpolate-from {args.interpolate_from}: no such directory")


def run(args) -> int:
    check_inputs_exist(args)
    import torch
    import transformers

    torch.set_num_threads(args.threads)
    if args.device != "cpu":
        if not torch.cuda.is_available():
            raise InputError(f"--device {args.device}: torch {torch.__version__} sees no CUDA device")
        torch.set_float32_matmul_precision("high")  # TF32 matrix products: the usual fine-tuning precision
    transformers.set_seed(args.seed)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="finetune-") as tmp:
        work = Path(tmp)
        model, spec, tokenizer_json = load_base(args, work)
        if args.check_pairs:
            score, n = pair_spearman(model, args.check_pairs, args.check_limit, spec["max_seq_len"])
            print(f"base model (PyTorch): cosine Spearman x100 on {n} pairs of {args.check_pairs}: {score:.4f}")
        if args.rebuild_only:
            return 0
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        log_path = out / "training-log.jsonl"
        log_path.write_text("", encoding="utf-8")
        if args.max_seq_len:
            spec["max_seq_len"] = args.max_seq_len
        if args.export_only:
            if args.interpolate:
                evaluator, metric = build_evaluator(args, spec["max_seq_len"])
                interpolate(args, model, load_reference(args, work), evaluator, metric, log_path)
                print_check(args, model, spec, "interpolated")
            export(args, model, spec, tokenizer_json, work)
            print(f"done in {time.time() - started:.0f} s")
            return 0
        # The base's weights, before training moves them (the default reference of --interpolate).
        reference = state_snapshot(model) if args.interpolate and not args.interpolate_from else None
        if args.device != "cpu":
            model.to(args.device)
            print(f"training on {args.device}: {torch.cuda.get_device_name(args.device)}")
        held_out = held_out_keys(args.faq_paths + args.holdout_faq)
        print(f"training data ({len(held_out)} held-out FAQ paraphrases kept out):")
        datasets, losses = build_datasets(args, model, held_out)
        evaluator, metric = build_evaluator(args, spec["max_seq_len"])
        if evaluator is not None:
            base_scores = evaluator(model)
            print("base model: " + ", ".join(f"{k} {v:.4f}" for k, v in base_scores.items()))
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"step": 0, "base": True, **{f"eval_{k}": v for k, v in base_scores.items()}}) + "\n")
        base_score = base_scores.get(metric.removeprefix("eval_")) if evaluator is not None else None
        train(args, model, datasets, losses, evaluator, metric, work, log_path, base_score)
        print_check(args, model, spec, "trained", exported=not args.interpolate)
        if args.interpolate:
            interpolate(args, model, reference if reference is not None else load_reference(args, work),
                        evaluator, metric, log_path)
            print_check(args, model, spec, "interpolated")
        export(args, model, spec, tokenizer_json, work)
    print(f"done in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
