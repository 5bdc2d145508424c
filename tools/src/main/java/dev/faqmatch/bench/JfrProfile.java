package dev.faqmatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of one end-to-end run (the job runs in this JVM), and the table of its top frames
 * by self samples. JFR samples Java code only: ONNX Runtime and the tokenizer run native code, and
 * show at most as their JNI frames; the table is what the job spends in Java, beside the CPU per
 * thread the benchmark reports.
 */
final class JfrProfile implements AutoCloseable {
    private static final int TOP = 25;
    /** Frames of these packages are not who spent the time but what was called: a sample counts for its first other frame. */
    private static final List<String> CALLED = List.of("java.", "jdk.", "sun.");

    private final Recording recording;
    private final Path file;

    private JfrProfile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts recording with JFR's "profile" settings (a Java sample every 10 ms per running thread). */
    static JfrProfile start(Path file) throws IOException {
        try {
            Recording recording = new Recording(Configuration.getConfiguration("profile"));
            recording.start();
            return new JfrProfile(recording, file);
        } catch (ParseException e) {
            throw new IOException("JFR's profile settings cannot be read", e);
        }
    }

    /** Stops, writes the recording to its file, and returns the top frames as a Markdown table. */
    String stop(String title) throws IOException {
        recording.stop();
        Files.createDirectories(file.toAbsolutePath().getParent());
        recording.dump(file);
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> caller = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                    || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            samples++;
            self.merge(name(frames.get(0)), 1, Integer::sum);
            for (RecordedFrame f : frames) {
                String name = name(f);
                if (CALLED.stream().noneMatch(name::startsWith)) {
                    caller.merge(group(name), 1, Integer::sum);
                    break;
                }
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%nTop frames of %s (JFR, %d Java samples; %s):%n%n", title, samples, file));
        table(s, "frame (self)", self, samples);
        s.append(String.format(Locale.ROOT, "%nBy the first frame outside the JDK (package, or class for ours):%n%n"));
        table(s, "caller", caller, samples);
        return s.toString();
    }

    private static void table(StringBuilder s, String what, Map<String, Integer> counts, int samples) {
        s.append("| # | ").append(what).append(" | samples | share |\n|---:|---|---:|---:|\n");
        int[] rank = {0};
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(TOP)
                .forEach(e -> s.append(String.format(Locale.ROOT, "| %d | `%s` | %d | %.1f%% |%n", ++rank[0], e.getKey(),
                        e.getValue(), 100.0 * e.getValue() / Math.max(1, samples))));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** Our classes by class; everyone else's by their package's first three parts (org.apache.flink, ...). */
    private static String group(String frame) {
        String type = frame.substring(0, frame.lastIndexOf('.'));
        if (type.startsWith("dev.faqmatch.")) {
            return type;
        }
        String[] parts = type.split("\\.");
        return String.join(".", List.of(parts).subList(0, Math.min(3, parts.length - 1)));
    }

    @Override
    public void close() {
        recording.close();
    }
}
