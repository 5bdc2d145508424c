package dev.faqmatch.flink.internal;

import dev.faqmatch.event.Question;
import dev.faqmatch.faq.BankSnapshot;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.match.BankLookup;
import dev.faqmatch.match.TenantRouting;
import dev.faqmatch.match.Thresholds;
import java.util.concurrent.CompletableFuture;

/**
 * A question's bank: its tenant's (no tenant: {@code default}), else match.fallback-tenant's, else
 * {@code default}; while a slot is starting, once its banks are embedded ({@link LiveBanks#gate}). With an FAQ topic, the faq-banks operator has already sent questions of unknown
 * tenants to the dead letters; without one, every question is matched against the faq.bank file.
 */
public final class TenantBanks implements BankLookup {
    private final LiveBanks banks;
    private final TenantRouting routing;

    public TenantBanks(LiveBanks banks, TenantRouting routing) {
        this.banks = banks;
        this.routing = routing;
    }

    @Override
    public CompletableFuture<BankSnapshot> bank(Question question) {
        LiveBanks.Bank bank = !routing.live() || question.tenant() == null ? null : banks.bank(question.tenant());
        if (bank == null && routing.live() && routing.hasFallback()) {
            bank = banks.bank(routing.fallbackTenant());
        }
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
