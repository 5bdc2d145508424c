package dev.faqmatch.flink.internal;

import dev.faqmatch.event.Question;
import dev.faqmatch.faq.BankSnapshot;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.match.BankLookup;
import dev.faqmatch.match.TenantRouting;
import dev.faqmatch.match.Thresholds;
import java.util.concurrent.CompletableFuture;

/**
 * A question's bank: its tenant's (no tenant: {@code default}), else match.fallback-tenant's; without
 * an FAQ topic, the faq.bank file for every question. While a slot is starting, a bank is given
 * once the banks are embedded ({@link LiveBanks#gate}). {@code ParseQuestions} sends a question
 * whose tenant has neither ({@link #liveBank} null) to the dead letters.
 */
public final class TenantBanks implements BankLookup {
    private final LiveBanks banks;
    private final TenantRouting routing;

    public TenantBanks(LiveBanks banks, TenantRouting routing) {
        this.banks = banks;
        this.routing = routing;
    }

    /** With an FAQ topic, the bank that answers {@code question}: its tenant's, else the fallback's; null for none. */
    public LiveBanks.Bank liveBank(Question question) {
        LiveBanks.Bank bank = banks.bank(question.tenant() == null ? LiveBanks.DEFAULT_TENANT : question.tenant());
        return bank == null && routing.hasFallback() ? banks.bank(routing.fallbackTenant()) : bank;
    }

    @Override
    public CompletableFuture<BankSnapshot> bank(Question question) {
        LiveBanks.Bank bank = routing.live() ? liveBank(question) : null;
        if (bank == null) {
            bank = banks.bank(LiveBanks.DEFAULT_TENANT);
        }
        CompletableFuture<Void> start = banks.startGate();
        if (!start.isDone()) {
            LiveBanks.Bank chosen = bank;
            return start.thenCompose(v -> snapshot(chosen));
        }
        return snapshot(bank);
    }

    private static CompletableFuture<BankSnapshot> snapshot(LiveBanks.Bank bank) {
        BankSnapshot live = bank.snapshot();
        return live != null ? CompletableFuture.completedFuture(live) : bank.ready();
    }

    @Override
    public Thresholds thresholds(String bankTenant) {
        return routing.thresholds(bankTenant);
    }
}
