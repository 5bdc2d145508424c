package dev.faqmatch.faq;

/** An FAQ entry and its cosine similarity to a question. */
public record ScoredFaq(FaqEntry entry, float score) {}
