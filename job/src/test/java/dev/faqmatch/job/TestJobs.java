package dev.faqmatch.job;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.testkit.RunningJob;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Starts the job as {@link FaqMatcherJob#main} would, on the test's MiniCluster. */
final class TestJobs {
    private TestJobs() {}

    static RunningJob start(String name, Map<String, String> settings) throws Exception {
        return start(name, MatcherConfig.fromMap(settings));
    }

    static RunningJob start(String name, MatcherConfig config) throws Exception {
        return start(name, config, UnaryOperator.identity(), new Configuration());
    }

    /**
     * @param customize changes to the job's builder (a fault-injecting embed-and-match function)
     * @param flink the environment's configuration (a savepoint to restore)
     */
    static RunningJob start(String name, MatcherConfig config, UnaryOperator<FaqMatcherJob.Builder> customize,
            Configuration flink) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        FaqMatcherJob.configure(env, config);
        customize.apply(FaqMatcherJob.builder(config)).build(env);
        return RunningJob.start(env, name);
    }
}
