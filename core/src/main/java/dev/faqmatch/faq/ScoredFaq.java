package dev.faqmatch.faq;

/**
 * An FAQ entry and its score for a question: the cosine similarity of its closest phrasing, moved a
 * fifth of the way towards its second-closest where it has more than one ({@link FaqIndex}).
 *
 * @param matchedText its closest phrasing (the standard question or a similar question)
 */
public record ScoredFaq(FaqEntry entry, float score, String matchedText) {}
