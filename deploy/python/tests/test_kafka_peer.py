"""The Python peer's loop and events (kafka_peer.py) with stand-ins for Kafka and the model."""

import json

import numpy as np

from faqmatch_model.faq_bank import Entry, FaqBank, Thresholds
from faqmatch_model.kafka_peer import Limits, match_event, parse_question, serve

VECTORS = {"a": [1, 0], "b": [0, 1]}


def embed(texts):
    # a question's vector: its entry's, or half-way between both for anything else
    return np.array([VECTORS.get(t, [0.5, 0.5]) for t in texts], dtype=np.float32)


BANK = FaqBank([Entry("A", "a", "answer a", ("a",)), Entry("B", "b", "answer b", ("b",))], embed)


class Record:
    def __init__(self, key, value):
        self._key, self._value = key, value

    def key(self):
        return self._key

    def value(self):
        return self._value

    def error(self):
        return None


class Consumer:
    """Hands out the records in consume() calls of at most num_messages, then nothing."""

    def __init__(self, records):
        self.records = list(records)
        self.asked = []

    def consume(self, num_messages, timeout):
        self.asked.append(num_messages)
        batch, self.records = self.records[:num_messages], self.records[num_messages:]
        return batch


class Producer:
    def __init__(self):
        self.sent = []
        self.flushed = False

    def produce(self, topic, value, key):
        self.sent.append((topic, key, json.loads(value)))

    def poll(self, timeout):
        return 0

    def flush(self):
        self.flushed = True


class Clock:
    """Advances a second per reading, so that idle timeouts pass without sleeping."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 1.0
        return self.now


def question(i, text):
    return Record(f"q{i}".encode(), json.dumps({"id": f"q{i}", "text": text}, ensure_ascii=False).encode())


def run(records, limits, consumer=None):
    consumer = consumer or Consumer(records)
    producer = Producer()
    stats = serve(consumer, producer, "out", embed, BANK, 2, Thresholds(), "m", limits, clock=Clock(),
                  cpu_clock=Clock())
    return consumer, producer, stats


def test_micro_batches_of_at_most_the_batch_size_until_max_messages():
    records = [question(i, "a" if i % 2 else "b") for i in range(10)]
    consumer, producer, stats = run(records, Limits(batch_size=4, max_messages=7))
    assert consumer.asked == [4, 3]  # the last batch asks only for what is left
    assert [key for _, key, _ in producer.sent] == [f"q{i}".encode() for i in range(7)]
    assert {topic for topic, _, _ in producer.sent} == {"out"}
    assert producer.flushed
    assert stats.questions == 7 and stats.routes == {"answer": 7}


def test_stops_after_the_idle_timeout_and_skips_records_that_are_no_question():
    records = [question(0, "a"), Record(b"x", b"not json"), Record(b"y", b'{"id": "y", "text": " "}'),
               Record(None, None), question(4, "中间")]
    _, producer, stats = run(records, Limits(batch_size=3, idle_timeout_s=5))
    assert [event["id"] for _, _, event in producer.sent] == ["q0", "q4"]
    assert stats.skipped == 3
    # [0.5, 0.5] is 0.707 from both entries: a tie below clarify-score
    assert producer.sent[1][2]["route"] == "human"
    summary = stats.summary()
    # two batches with an event each: the rate is 1 question over the time between them
    assert summary["questions"] == 2 and summary["per_second"] is not None
    json.dumps(summary, allow_nan=False)  # the Java side reads it as strict JSON


def test_no_questions_no_rates():
    _, producer, stats = run([], Limits(idle_timeout_s=3))
    assert producer.sent == [] and producer.flushed
    assert stats.summary()["per_second"] is None and stats.summary()["cpu_ms_per_question"] is None


def test_the_event_has_the_jobs_field_names():
    q = parse_question('{"id": "7", "text": "a", "tenant": "t1", "ts": 123}'.encode())
    (matches,) = BANK.search(embed(["a"]), 2)
    event = match_event(q, matches, Thresholds(), "faqmatch-finance-zh-v1")
    assert event == {"id": "7", "text": "a", "tenant": "t1", "ts": 123, "model": "faqmatch-finance-zh-v1",
                     "matched": True, "route": "answer",
                     "matches": [{"faq_id": "A", "question": "a", "answer": "answer a", "score": 1.0},
                                 {"faq_id": "B", "question": "b", "answer": "answer b", "score": 0.0}]}


def test_parse_question_takes_json_objects_with_a_text():
    assert parse_question(b'{"id": "1", "text": "hi"}') == {"id": "1", "text": "hi"}
    for bad in (None, b"", b"[1]", b'{"id": "1"}', b'{"text": 5}', b"\xff"):
        assert parse_question(bad) is None
