package dev.faqmatch.match;

import java.io.Serializable;
import java.util.Map;

/**
 * Which bank a question's tenant is answered from, and with which thresholds.
 *
 * @param live whether banks come from the FAQ topic (else the faq.bank file answers every question)
 * @param fallbackTenant the bank of questions whose tenant has none; empty for none (a dead letter)
 * @param defaults the job-wide thresholds
 * @param perTenant the tenants' own thresholds
 */
public record TenantRouting(boolean live, String fallbackTenant, Thresholds defaults, Map<String, Thresholds> perTenant)
        implements Serializable {
    public TenantRouting {
        perTenant = Map.copyOf(perTenant);
    }

    /** The thresholds of {@code tenant}'s bank: its own, else the job-wide ones. */
    public Thresholds thresholds(String tenant) {
        return perTenant.getOrDefault(tenant, defaults);
    }

    /** For the start-up log: the job-wide thresholds and the tenants that have their own. */
    public String describe() {
        return "min-score " + defaults.minScore() + ", clarify-score " + defaults.clarifyScore() + ", clarify-margin "
                + defaults.clarifyMargin() + (perTenant.isEmpty() ? "" : "; own thresholds: " + new java.util.TreeMap<>(perTenant));
    }

    public boolean hasFallback() {
        return !fallbackTenant.isEmpty();
    }
}
