package dev.faqmatch.event;

/** A Kafka record as read, before any parsing, so that a bad one can be passed on whole. */
public record RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {}
