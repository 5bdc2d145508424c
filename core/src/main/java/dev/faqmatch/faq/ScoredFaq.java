package dev.faqmatch.faq;

/**
 * An FAQ entry and its score for a question: the cosine similarity of its closest phrasing.
 *
 * @param matchedText the phrasing that scored it (the standard question or a similar question)
 */
public record ScoredFaq(FaqEntry entry, float score, String matchedText) {}
