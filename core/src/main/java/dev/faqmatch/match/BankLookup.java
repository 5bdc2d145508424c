package dev.faqmatch.match;

import dev.faqmatch.event.Question;
import dev.faqmatch.faq.BankSnapshot;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.LiveBanks;
import java.util.concurrent.CompletableFuture;

/** Which bank answers a question, and with which thresholds. */
public interface BankLookup {
    /**
     * The live snapshot of the question's bank: a completed future, or, while a new tenant's
     * first snapshot is being embedded, one that completes when it is live.
     */
    CompletableFuture<BankSnapshot> bank(Question question);

    Thresholds thresholds(String bankTenant);

    /** One fixed bank for every question (the job without an FAQ topic, tests, tools). */
    static BankLookup fixed(FaqIndex index, Thresholds thresholds) {
        CompletableFuture<BankSnapshot> bank = CompletableFuture.completedFuture(
                new BankSnapshot(LiveBanks.DEFAULT_TENANT, index, BankSnapshot.SEED_VERSION, System.currentTimeMillis(), -1));
        return new BankLookup() {
            @Override
            public CompletableFuture<BankSnapshot> bank(Question question) {
                return bank;
            }

            @Override
            public Thresholds thresholds(String bankTenant) {
                return thresholds;
            }
        };
    }
}
