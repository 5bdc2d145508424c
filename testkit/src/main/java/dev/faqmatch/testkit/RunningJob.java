package dev.faqmatch.testkit;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A job an integration test started on its MiniCluster; closing it cancels the job if it still runs. */
public final class RunningJob implements AutoCloseable {
    private final JobClient client;

    private RunningJob(JobClient client) {
        this.client = client;
    }

    /** Submits the pipeline built on {@code env} under {@code name}, without waiting for it to end. */
    public static RunningJob start(StreamExecutionEnvironment env, String name) throws Exception {
        return new RunningJob(env.executeAsync(name));
    }

    public JobID id() {
        return client.getJobID();
    }

    /** For savepoints, status and the like. */
    public JobClient client() {
        return client;
    }

    @Override
    public void close() throws Exception {
        if (!client.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
            client.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
