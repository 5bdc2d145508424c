package dev.faqmatch.flink.internal;

/** Names of the job's own metrics. */
public final class MatcherMetrics {
    /** Metric group of the matcher's operators (Prometheus: flink_taskmanager_job_task_operator_faqmatcher_*). */
    public static final String GROUP = "faqmatcher";

    private MatcherMetrics() {}
}
