package dev.faqmatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer a user would write instead of the job: {@code python -m faqmatch_model kafka-peer}
 * (deploy/python, kafka_peer.py), a child process that reads questions from Kafka, embeds them with
 * ONNX Runtime in Python on the same model directory and answers into Kafka. This class starts it
 * and reads the summary it prints last; {@link EndToEndBench#pythonPeer} feeds and times it.
 */
final class PythonPeer {
    /** The line kafka_peer.py prints last, followed by its figures as JSON. */
    private static final String SUMMARY_PREFIX = "kafka-peer summary: ";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @param perSecond questions/s from the first to the last match event's Kafka timestamp
     * @param peerCpuMsPerQuestion the Python process's CPU (all threads) from its first batch to its
     *     last event, per question, as it reports it
     * @param brokerCpuMsPerQuestion the broker's CPU while the peer ran (its start-up included), per question
     * @param routes events by route (answer, clarify, human)
     */
    record Result(String model, int questions, int threads, double seconds, double perSecond,
            double peerCpuMsPerQuestion, double brokerCpuMsPerQuestion, JsonNode routes) {}

    private final String python;
    private final int batchMaxSize;
    private final Duration batchMaxDelay;

    /**
     * @param python an interpreter with deploy/python's peer extra and confluent_kafka
     * @param batchMaxSize questions per model run at most, as the job's batch.max-size
     * @param batchMaxDelay how long a batch waits for more questions, as the job's batch.max-delay
     */
    PythonPeer(String python, int batchMaxSize, Duration batchMaxDelay) {
        this.python = python;
        this.batchMaxSize = batchMaxSize;
        this.batchMaxDelay = batchMaxDelay;
    }


    /** One run of the peer: its process and where its output goes. */
    static final class Run implements AutoCloseable {
        private final Process process;
        private final Path log;

        private Run(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        boolean alive() {
            return process.isAlive();
        }

        /** Fails with everything the peer printed where it exited with an error. */
        void checkNotFailed() throws IOException {
            if (!process.isAlive() && process.exitValue() != 0) {
                throw new IllegalStateException("the Python peer exited with status " + process.exitValue()
                        + "; it printed:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        }

        /** Waits for the peer to exit after its last question and returns its summary as JSON. */
        JsonNode summary(long timeoutSeconds) throws IOException, InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the Python peer did not exit within " + timeoutSeconds + " s of its"
                        + " last event; it printed:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            checkNotFailed();
            String printed = Files.readString(log, StandardCharsets.UTF_8);
            String summary = null;
            for (String line : printed.lines().toList()) {
                if (line.startsWith(SUMMARY_PREFIX)) {
                    summary = line.substring(SUMMARY_PREFIX.length());
                }
            }
            if (summary != null) {
                return MAPPER.readTree(summary);
            }
            throw new IllegalStateException("the Python peer printed no summary; it printed:\n" + printed);
        }

        /** What the peer printed before its summary (model, bank, its own figures), for the bench's log. */
        List<String> printed() throws IOException {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.startsWith(SUMMARY_PREFIX)).toList();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    /**
     * Starts the peer on {@code input}; it stops by itself after {@code questions} records.
     *
     * @param threads ONNX Runtime's intra-op threads: the cores the job's slots get
     */
    Run start(String bootstrap, String input, String output, String group, String modelDir, Path bank, int threads,
            int questions, Path work) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, "-m", "faqmatch_model", "kafka-peer",
                "--bootstrap-servers", bootstrap, "--input", input, "--output", output, "--group", group,
                "--model-dir", modelDir, "--bank", bank.toString(), "--threads", Integer.toString(threads),
                "--batch-size", Integer.toString(batchMaxSize), "--max-delay-ms", Long.toString(batchMaxDelay.toMillis()),
                "--max-messages", Integer.toString(questions)));
        Files.createDirectories(work);
        // Output to a file, not a pipe: nothing has to drain it while the bench consumes events.
        Path log = work.resolve(group + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Run(process, log);
    }
}
