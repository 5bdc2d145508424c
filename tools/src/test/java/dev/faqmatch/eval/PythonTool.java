package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of a deploy/*.py tool in an opt-in test: it must exit 0, and the figures it prints are
 * read back by pattern. Any failure shows everything the tool printed.
 */
final class PythonTool {
    private final String script;
    private final String printed;

    private PythonTool(String script, String printed) {
        this.script = script;
        this.printed = printed;
    }

    /** Runs {@code python script args...} from the project root and waits for it to finish. */
    static PythonTool run(String python, String script, Duration limit, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, script));
        command.addAll(args);
        // Output goes to a file, not a pipe, so that the time limit holds even while the tool prints nothing.
        Path log = Files.createTempFile("python-tool", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            String printed = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished).as("%s finished within %s; it printed:%n%s", script, limit, printed).isTrue();
            assertThat(process.exitValue()).as("%s exit status; it printed:%n%s", script, printed).isZero();
            return new PythonTool(script, printed);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    String printed() {
        return printed;
    }

    /** The first group of the first match of {@code pattern}; the test fails when the tool did not print it. */
    String find(Pattern pattern) {
        Matcher m = pattern.matcher(printed);
        assertThat(m.find()).as("%s printed %s; it printed:%n%s", script, pattern, printed).isTrue();
        return m.group(1);
    }

    double findNumber(Pattern pattern) {
        return Double.parseDouble(find(pattern));
    }
}
