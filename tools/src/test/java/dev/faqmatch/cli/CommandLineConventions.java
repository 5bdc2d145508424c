package dev.faqmatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** What every tool's command line must do, for each tool's own test to assert on its options class. */
public final class CommandLineConventions {
    private CommandLineConventions() {}

    /** What a tool's main would print and the status it would exit with (empty: it would run). */
    public record Outcome(OptionalInt status, String out, String err) {}

    public static Outcome run(Object options, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OptionalInt status = Cli.exitStatus(options, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * {@code --help} prints, on stdout, a usage that names and explains every option and parameter, and
     * exits 0; an unknown option prints one line that names it, then the usage, on stderr, and exits 2.
     *
     * @param options a new options object for each command line
     * @param required arguments the tool cannot do without, so that the unknown option is the one error
     */
    public static void assertHelpAndUsageError(Supplier<?> options, String... required) {
        Outcome help = run(options.get(), "--help");
        assertThat(help.status()).hasValue(0);
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("Usage: ");
        CommandLine.Model.CommandSpec spec = new CommandLine(options.get()).getCommandSpec();
        for (OptionSpec option : spec.options()) {
            assertThat(help.out()).contains(option.longestName());
            assertThat(String.join(" ", option.description())).as(option.longestName()).isNotBlank();
        }
        for (PositionalParamSpec parameter : spec.positionalParameters()) {
            assertThat(help.out()).contains(parameter.paramLabel());
            assertThat(String.join(" ", parameter.description())).as(parameter.paramLabel()).isNotBlank();
        }

        String[] withUnknown = Arrays.copyOf(required, required.length + 1);
        withUnknown[required.length] = "--no-such-option";
        Outcome bad = run(options.get(), withUnknown);
        assertThat(bad.status()).hasValue(Cli.USAGE_ERROR);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err().lines().findFirst()).hasValue("Unknown option: '--no-such-option'");
        assertThat(bad.err()).contains("Usage: ");
    }
}
