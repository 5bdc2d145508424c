"""Fine-tuning with sentence-transformers' trainer: one dataset per data file, each with the loss
that fits it (CoSENT for labelled pairs, MultipleNegativesRanking for positives, with mined hard
negatives), evaluators for checkpoint selection, and the callbacks that log and end training."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from .errors import InputError
from .sources import load_faq_positives, load_labelled, load_positives, parse_source, read_faq, read_pair_lines
from .split import split_of


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
    """(datasets, losses) by name, from --pairs, --positives and --faq, the held-out paraphrases dropped."""
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


def build_evaluator(args):
    """(evaluator, the trainer's metric name) from --valid-pairs and the FAQ files' valid split; (None, None)
    without either."""
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

    """Trains `model` in place; with --eval-steps and an evaluator, the best checkpoint is the one kept."""
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
