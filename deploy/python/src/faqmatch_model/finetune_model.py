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

    pip install -e 'deploy/python[finetune]'
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
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .embedding import SAMPLES, bert_embed, ort_embed
from .errors import InputError
from .features import bert_tokenizer, tokenizer_json_feeds
from .graph import EXPORT_TOLERANCE, check_graph, export_onnx
from .interpolation import interpolate, state_snapshot
from .modeldir import MODEL_FILE, TOKENIZER_FILE, has_graph, model_spec, write_model_dir
from .rebuild import REBUILD_TOLERANCE, rebuild_from_onnx
from .scoring import spearman
from .sources import held_out_keys, parse_source, read_pair_lines, write_split
from .training import build_datasets, build_evaluator, train

# Dynamic int8 moves each embedding a little; below this cosine to fp32 PyTorch it is broken, not rounded.
INT8_MIN_COSINE = 0.97


# ---------------------------------------------------------------- the base model

def sentence_transformer(hf_dir: Path, pooling: str, train_len: int, lowercase: bool):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(str(hf_dir), max_seq_length=train_len, do_lower_case=lowercase,
                              model_kwargs={"attn_implementation": "eager"})
    return SentenceTransformer(modules=[transformer, Pooling(transformer.get_embedding_dimension(), pooling),
                                        Normalize()], device="cpu")


def load_base(args, work: Path):
    """(SentenceTransformer, the base's pooling, max_seq_len and lowercase, tokenizer.json to ship) for --base."""
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

    base = args.base
    if has_graph(base):
        # A model directory of this project (read_spec fails on an incomplete one).
        directory = Path(base)
        bert, spec = rebuild_from_onnx(directory, args.threads)
        hf_dir = work / "base-hf"
        bert.save_pretrained(str(hf_dir))
        tokenizer_json = directory / TOKENIZER_FILE
        bert_tokenizer(Tokenizer.from_file(str(tokenizer_json)), spec["max_seq_len"]).save_pretrained(str(hf_dir))
        model = sentence_transformer(hf_dir, spec["pooling"], args.train_max_len, bool(spec["lowercase"]))
        check_st_against_ort(model, directory, spec, args.threads)
        return model, spec, tokenizer_json
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
    spec = {"pooling": pooling,
            "max_seq_len": int(min(transformer.max_seq_length or 512, transformer.auto_model.config.max_position_embeddings)),
            "lowercase": bool(getattr(transformer, "do_lower_case", False))}
    transformer.max_seq_length = args.train_max_len
    tokenizer_json = work / "base-tokenizer" / TOKENIZER_FILE
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
    """The pooling of a sentence-transformers model's Pooling module, if the project supports it."""
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
    ours = model.encode(SAMPLES, batch_size=len(SAMPLES), convert_to_numpy=True).astype(np.float64)
    model[0].max_seq_length = saved
    theirs = ort_embed(directory, spec, SAMPLES, threads)[:len(SAMPLES)]
    diff = float(np.abs(ours - theirs).max())
    print(f"max abs difference, sentence-transformers model vs ONNX Runtime: {diff:.3e} (limit {REBUILD_TOLERANCE:.0e})")
    if not diff <= REBUILD_TOLERANCE:
        raise InputError(f"the sentence-transformers model disagrees with ONNX Runtime by {diff:.3e}")


def pair_spearman(model, path: str, limit: int, max_len: int) -> tuple[float, int]:
    """The sentence-transformers model's cosine Spearman x100 on the first `limit` pairs (0: all), and their count."""
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


def load_reference(args, work: Path) -> dict:
    """The --interpolate-from model's weights, loaded (and checked) as a --base is."""
    reference_args = argparse.Namespace(**{**vars(args), "base": args.interpolate_from})
    print(f"interpolation reference: {args.interpolate_from}")
    model, _, _ = load_base(reference_args, work / "interpolate-from")
    return state_snapshot(model)


# ---------------------------------------------------------------- export

def export(args, model, spec: dict, tokenizer_json: Path, work: Path) -> None:
    """Writes --out (fp32) and --out-int8, each checked against the PyTorch model."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from . import row_quantize

    model.to("cpu")  # the export and its checks run where ONNX Runtime runs
    bert = model[0].auto_model
    bert.eval()
    out_spec = model_spec(args.name, spec["pooling"], True, spec["max_seq_len"], bert.config.hidden_size,
                          spec["lowercase"])
    fp32 = work / "fp32.onnx"
    # A padded batch of two lengths, so that nothing is specialised to one shape or to a full mask.
    export_onnx(bert, tokenizer_json_feeds(tokenizer_json, out_spec, SAMPLES[:2]), fp32)
    out = Path(args.out)
    write_model_dir(out, out_spec, tokenizer_json, fp32)
    check_graph(out / MODEL_FILE)
    reference = bert_embed(bert, out, out_spec, SAMPLES)
    diff = float(np.abs(ort_embed(out, out_spec, SAMPLES, args.threads) - reference).max())
    print(f"fp32 {out}: max abs difference of pooled embeddings, ONNX Runtime vs PyTorch {diff:.3e} "
          f"(limit {EXPORT_TOLERANCE['fp32']:.0e}); {(out / MODEL_FILE).stat().st_size / 2**20:.1f} MiB")
    if not diff <= EXPORT_TOLERANCE["fp32"]:
        raise InputError(f"the exported fp32 model disagrees with PyTorch by {diff:.3e}")
    model.save(str(out / "sentence-transformer"))
    if args.out_int8:
        int8 = work / "int8.onnx"
        # Per-channel scales: one scale per output column kept the sample embeddings at cosine >= 0.99 to fp32
        # where one scale per tensor fell to 0.96 (bge-small-zh-v1.5 and its fine-tunes).
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        # quantize_dynamic scales each activation over the whole batch, padding included: a text's embedding
        # then depends on its batch. Calibrated constant or per-token scales instead (row_quantize).
        try:
            print(row_quantize.rewrite_file(int8, int8, tokenizer_json))
        except row_quantize.RewriteError as e:
            raise InputError(f"int8 activation quantization: {e}")
        q_out = Path(args.out_int8)
        write_model_dir(q_out, out_spec, tokenizer_json, int8)
        check_graph(q_out / MODEL_FILE)
        got = ort_embed(q_out, out_spec, SAMPLES, args.threads)
        diff = float(np.abs(got - reference).max())
        cosine = float(min((got * reference).sum(axis=1)))
        print(f"int8 {q_out}: max abs difference vs fp32 PyTorch {diff:.3e}, lowest cosine {cosine:.4f} "
              f"(limit {INT8_MIN_COSINE}); {(q_out / MODEL_FILE).stat().st_size / 2**20:.1f} MiB")
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
                evaluator, metric = build_evaluator(args)
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
        evaluator, metric = build_evaluator(args)
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
