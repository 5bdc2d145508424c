package dev.faqmatch.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The tools' command lines: picocli fills a tool's options object (a {@code @Command} class) from
 * the arguments, with the same conventions for every tool: {@code --help} prints the usage and
 * exits 0, a bad command line prints what is wrong and the usage and exits 2, and a path the user
 * gives is relative to the directory they started the script in ({@link UserPaths}).
 */
public final class Cli {
    /** The exit status of a bad command line, as shells and deploy/common.sh's usage use it. */
    public static final int USAGE_ERROR = 2;

    private Cli() {}

    /** Options objects whose options must also fit together or within bounds picocli does not know. */
    public interface Checked {
        /**
         * Checks the parsed options.
         *
         * @throws IllegalArgumentException saying what to change, reported as a bad command line
         */
        void check();
    }

    /**
     * Fills {@code options} from {@code args} and checks them.
     *
     * @throws ParameterException for a bad command line, with the message the user would see
     */
    public static <T> T parse(T options, String... args) {
        CommandLine line = commandLine(options);
        line.parseArgs(args);
        if (!line.isUsageHelpRequested()) {
            check(line, options);
        }
        return options;
    }

    /**
     * A tool's {@code main}: the filled and checked options, or the end of the process, with
     * status 0 after {@code --help} and {@link #USAGE_ERROR} after a bad command line.
     */
    public static <T> T parseOrExit(T options, String... args) {
        OptionalInt status = exitStatus(options, args, System.out, System.err);
        if (status.isPresent()) {
            System.exit(status.getAsInt());
        }
        return options;
    }

    /**
     * Fills and checks {@code options}; empty when the tool should run, else the status it should
     * exit with, after the usage on {@code out} ({@code --help}) or what is wrong and the usage on
     * {@code err}.
     */
    public static OptionalInt exitStatus(Object options, String[] args, PrintStream out, PrintStream err) {
        CommandLine line = commandLine(options);
        try {
            line.parseArgs(args);
            if (line.isUsageHelpRequested()) {
                line.usage(out, Help.Ansi.OFF);
                return OptionalInt.of(0);
            }
            check(line, options);
            return OptionalInt.empty();
        } catch (ParameterException e) {
            err.println(e.getMessage());
            UnmatchedArgumentException.printSuggestions(e, err);
            err.println();
            e.getCommandLine().usage(err, Help.Ansi.OFF);
            return OptionalInt.of(USAGE_ERROR);
        }
    }

    /** {@code --batch}-style counts: 1 or more. */
    public static void requirePositive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " needs a positive integer, got '" + value + "'");
        }
    }

    private static CommandLine commandLine(Object options) {
        CommandLine line = new CommandLine(options);
        // Declared here rather than with mixinStandardHelpOptions: that mixin also adds a
        // --version, and the tools have no version of their own to print.
        line.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Print this usage and exit.").build());
        line.registerConverter(Path.class, UserPaths::resolve);
        line.setUsageHelpWidth(100);
        line.setUsageHelpAutoWidth(true);
        return line;
    }

    private static void check(CommandLine line, Object options) {
        if (options instanceof Checked checked) {
            try {
                checked.check();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(line, e.getMessage(), e);
            }
        }
    }
}
