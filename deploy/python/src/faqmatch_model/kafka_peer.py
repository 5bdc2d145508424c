"""The benchmark's Python peer (docs/BENCHMARKS.md, "The Python peer"): what a user would write
instead of the job. Kafka -> ONNX Runtime in Python -> Kafka, with the job's model directory, FAQ
bank and routing thresholds:

    python -m faqmatch_model kafka-peer --model-dir DIR [--input questions --output faq-matches] \\
        [--bank core/src/main/resources/samples/faq-bank.jsonl] [--max-messages N]

A confluent_kafka consumer reads the input topic from the earliest offset (auto-committed, at
least once) in micro-batches of up to --batch-size questions or --max-delay-ms, as the job batches
(batch.max-size 64, batch.max-delay 25 ms); each batch is tokenized with tokenizers (tokenizer.json),
embedded by one ONNX Runtime session with --threads intra-op threads, pooled as model.json says and
matched against the bank (faq_bank.py: what it leaves out next to the job); one JSON event per
question (id, text, model, matched, matches, route) goes to the output topic (acks=all, linger 5 ms).
It stops after --max-messages questions, or --idle-timeout-s without one, and prints its throughput
(first to last event produced) and CPU per question, then a 'kafka-peer summary: {json}' line that
deploy/bench.sh --python-peer reads.

Needs the package's peer extra and confluent_kafka: pip's mirror here has none, Debian has it
(apt-get install -y python3-confluent-kafka) for /usr/bin/python3, which a venv sees when made with
--system-site-packages (deploy/common.sh's kafka_python_env does that).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .faq_bank import FaqBank, Match, Thresholds, read_bank

DEFAULT_BANK = "core/src/main/resources/samples/faq-bank.jsonl"
SUMMARY_PREFIX = "kafka-peer summary: "


def parse_question(value: bytes | None) -> dict | None:
    """The question of a record's value, or None where it is no JSON object with a non-empty text."""
    try:
        question = json.loads(value) if value else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(question, dict) or not isinstance(question.get("text"), str) or not question["text"].strip():
        return None
    return question


def match_event(question: dict, matches: list[Match], thresholds: Thresholds, model: str) -> dict:
    """The event of one question, with the job's field names (a subset of its MatchEvent)."""
    best = matches[0].score if matches else float("nan")
    event = {"id": question.get("id"), "text": question["text"]}
    for optional in ("tenant", "ts"):
        if optional in question:
            event[optional] = question[optional]
    event.update({
        "model": model,
        "matched": thresholds.matched(best),
        "matches": [{"faq_id": m.entry.id, "question": m.entry.question, "answer": m.entry.answer,
                     "score": round(m.score, 6)} for m in matches],
        "route": thresholds.route_of(matches),
    })
    return event


@dataclass
class Stats:
    questions: int = 0
    skipped: int = 0
    routes: dict[str, int] = field(default_factory=dict)
    first_output: float | None = None  # wall seconds
    last_output: float | None = None
    cpu_at_first_batch: float | None = None  # process seconds, all threads
    cpu_at_end: float | None = None

    def summary(self) -> dict:
        """The figures as JSON values: null where too few questions came to measure them."""
        seconds = per_second = cpu_ms = None
        if self.questions > 1 and self.last_output > self.first_output:
            seconds = round(self.last_output - self.first_output, 3)
            # questions - 1 intervals between the first event and the last, as the Java side counts
            per_second = round((self.questions - 1) / (self.last_output - self.first_output), 1)
        if self.questions:
            cpu_ms = round(1000 * (self.cpu_at_end - self.cpu_at_first_batch) / self.questions, 3)
        return {"questions": self.questions, "skipped": self.skipped, "seconds": seconds, "per_second": per_second,
                "cpu_ms_per_question": cpu_ms, "routes": self.routes}


@dataclass(frozen=True)
class Limits:
    batch_size: int = 64
    max_delay_s: float = 0.025
    max_messages: int = 0  # 0: no limit
    idle_timeout_s: float = 30.0


def serve(consumer, producer, output: str, embed, bank: FaqBank, top_k: int, thresholds: Thresholds, model: str,
          limits: Limits, clock=time.time, cpu_clock=time.process_time) -> Stats:
    """Consumes micro-batches and produces their events until the limits say stop; flushes the producer.

    consumer and producer are confluent_kafka's (consume, produce, poll, flush), or test doubles.
    """
    stats = Stats()
    seen = 0
    idle_since = clock()
    while not limits.max_messages or seen < limits.max_messages:
        want = limits.batch_size if not limits.max_messages else min(limits.batch_size, limits.max_messages - seen)
        records = consumer.consume(num_messages=want, timeout=limits.max_delay_s)
        if not records:
            if clock() - idle_since >= limits.idle_timeout_s:
                break
            continue
        if stats.cpu_at_first_batch is None:
            stats.cpu_at_first_batch = cpu_clock()
        for record in records:
            if record.error():
                raise RuntimeError(f"Kafka: {record.error()}")
        seen += len(records)
        idle_since = clock()
        questions = [(record, parse_question(record.value())) for record in records]
        valid = [(record, q) for record, q in questions if q is not None]
        stats.skipped += len(records) - len(valid)
        if not valid:
            continue
        found = bank.search(embed([q["text"] for _, q in valid]), top_k)
        for (record, question), matches in zip(valid, found):
            event = match_event(question, matches, thresholds, model)
            stats.routes[event["route"]] = stats.routes.get(event["route"], 0) + 1
            produce(producer, output, record.key(), json.dumps(event, ensure_ascii=False).encode("utf-8"))
        now = clock()
        stats.first_output = now if stats.first_output is None else stats.first_output
        stats.last_output = now
        stats.questions += len(valid)
        producer.poll(0)  # delivery reports
    producer.flush()
    stats.cpu_at_end = cpu_clock()
    return stats


def produce(producer, topic: str, key: bytes | None, value: bytes) -> None:
    while True:
        try:
            producer.produce(topic, value=value, key=key)
            return
        except BufferError:  # the local queue is full: wait for deliveries to make room
            producer.poll(0.1)


def kafka_clients(bootstrap: str, group: str):
    """A consumer from the earliest offset (auto-commit: at least once) and an acks=all producer whose
    failed deliveries stop the peer."""
    try:
        from confluent_kafka import Consumer, Producer
    except ImportError:
        raise SystemExit("no confluent_kafka: apt-get install -y python3-confluent-kafka, and run /usr/bin/python3 "
                         "or a venv of it made with --system-site-packages (deploy/common.sh's kafka_python_env)")

    def on_delivery(error, _message):
        if error is not None:
            raise RuntimeError(f"Kafka delivery failed: {error}")

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": True})
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, "on_delivery": on_delivery})
    return consumer, producer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="The benchmark's Python peer: Kafka -> ONNX Runtime -> Kafka.")
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:19092")
    parser.add_argument("--input", default="questions", help="questions topic (default: %(default)s)")
    parser.add_argument("--output", default="faq-matches", help="events topic (default: %(default)s)")
    parser.add_argument("--group", default="faq-matcher-python-peer", help="consumer group (default: %(default)s)")
    parser.add_argument("--model-dir", required=True, help="model.onnx, tokenizer.json, model.json")
    parser.add_argument("--bank", default=DEFAULT_BANK, help="FAQ bank, JSON lines (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                        help="ONNX Runtime intra-op threads (default: the cores this process may use, %(default)s)")
    parser.add_argument("--batch-size", type=int, default=Limits.batch_size)
    parser.add_argument("--max-delay-ms", type=float, default=1000 * Limits.max_delay_s)
    parser.add_argument("--top-k", type=int, default=3)
    parser.add_argument("--min-score", type=float, default=Thresholds.min_score)
    parser.add_argument("--clarify-score", type=float, default=Thresholds.clarify_score)
    parser.add_argument("--clarify-margin", type=float, default=Thresholds.clarify_margin)
    parser.add_argument("--max-messages", type=int, default=0, help="stop after N records (default: no limit)")
    parser.add_argument("--idle-timeout-s", type=float, default=Limits.idle_timeout_s,
                        help="stop after this long without a record (default: %(default)s)")
    args = parser.parse_args(argv)

    # Imported here: the data modules of the package need numpy alone.
    from .embedding import OrtEmbedder
    from .modeldir import read_spec

    try:
        spec = read_spec(Path(args.model_dir))
        entries = read_bank(args.bank)
    except InputError as e:
        raise SystemExit(str(e))
    consumer, producer = kafka_clients(args.bootstrap_servers, args.group)
    try:
        # A plain session, as a user would open it: the job's exact-int8 setting cost the peer 3x here
        # (onnxruntime 1.30, an AVX-512 VNNI CPU: 9.0 vs 3.3 ms CPU per question, batches of 64).
        embedder = OrtEmbedder(Path(args.model_dir), spec, args.threads, exact_int8=False)
        started = time.time()
        bank = FaqBank(entries, embedder.embed, args.batch_size)
        print(f"model {spec.get('name', args.model_dir)}, {args.threads} ONNX Runtime threads; bank {args.bank}: "
              f"{len(entries)} entries, {bank.matrix.shape[0]} phrasings embedded in {time.time() - started:.1f} s",
              flush=True)
        consumer.subscribe([args.input])
        stats = serve(consumer, producer, args.output, embedder.embed, bank, args.top_k,
                      Thresholds(args.min_score, args.clarify_score, args.clarify_margin),
                      spec.get("name", Path(args.model_dir).name),
                      Limits(args.batch_size, args.max_delay_ms / 1000, args.max_messages, args.idle_timeout_s))
    finally:
        consumer.close()
    summary = stats.summary()
    print(f"{summary['questions']} questions ({summary['skipped']} records skipped: no question), "
          f"{summary['seconds']} s from the first event to the last: {summary['per_second']} questions/s; "
          f"{summary['cpu_ms_per_question']} ms CPU per question (this process); routes {summary['routes']}")
    print(SUMMARY_PREFIX + json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
