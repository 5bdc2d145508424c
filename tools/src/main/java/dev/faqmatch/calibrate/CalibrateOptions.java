package dev.faqmatch.calibrate;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.cli.ModelOptions;
import dev.faqmatch.cli.UserPaths;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.match.Thresholds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The calibration tool's command line ({@code deploy/calibrate.sh}). */
@Command(name = "deploy/calibrate.sh", sortOptions = false,
        description = {
            "Calibrates the routing thresholds on labelled questions: the answer route's precision / coverage"
                    + " over min-score and clarify-margin, the thresholds that reach --target-precision with the"
                    + " most coverage as YAML to paste, the entries the model confuses, the questions it got wrong,"
                    + " and the curve as a PNG. See README (\"Calibrating the routing\").",
            ""})
final class CalibrateOptions implements Cli.Checked {
    static final String SAMPLE_BANK = "classpath:samples/faq-bank.jsonl";

    @Option(names = "--questions", paramLabel = "FILE",
            description = "Labelled questions, JSON lines {\"id\", \"text\", \"expected_faq_id\"} (null: no entry"
                    + " answers it). Required; repeat it with --bank for several sets.")
    private List<Path> questionFiles = new ArrayList<>();

    @Option(names = "--bank", paramLabel = "LOCATION", converter = UserPaths.LocationConverter.class,
            description = "The FAQ bank: a file or classpath:... (default: " + SAMPLE_BANK + ", the sample"
                    + " bank). Several sets at once (job-wide defaults for several banks): --bank A --questions QA"
                    + " --bank B --questions QB ...; the thresholds then suit the set that gets least.")
    private List<String> banks = new ArrayList<>();

    @Mixin
    private ModelOptions model;

    @Option(names = "--target-precision", paramLabel = "P",
            description = "Precision the answer route must reach (default: ${DEFAULT-VALUE}).")
    private double targetPrecision = 0.95;

    @Option(names = "--confidence", paramLabel = "C",
            description = "How sure the thresholds recommended must be to reach --target-precision on traffic like"
                    + " the questions: the lower end of the precision's Wilson interval at this one-sided confidence"
                    + " must reach it, which a few hundred questions measured once cannot promise by their figure"
                    + " alone (default: ${DEFAULT-VALUE}; 0.5 takes the measured precision as it is).")
    private double confidence = 0.95;

    @Option(names = "--target-to-person", paramLabel = "P",
            description = "Share of the questions without an entry to route to a person (default: ${DEFAULT-VALUE}).")
    private double targetToPerson = 0.90;

    @Option(names = "--tenant", paramLabel = "NAME",
            description = "Write the YAML for match.tenant.NAME (default: the job-wide thresholds).")
    private String tenant;

    @Option(names = "--min-score", paramLabel = "X",
            description = "Threshold to report as it is, with --clarify-score and --clarify-margin (default: the job's).")
    private Double minScore;

    @Option(names = "--clarify-score", paramLabel = "X", description = "See --min-score.")
    private Double clarifyScore;

    @Option(names = "--clarify-margin", paramLabel = "X", description = "See --min-score.")
    private Double clarifyMargin;

    @Option(names = "--sessions", paramLabel = "N", description = "ONNX Runtime sessions (default: ${DEFAULT-VALUE}).")
    private int sessions = 2;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where curve.png, wrong.jsonl and outcomes.jsonl go (default: ${DEFAULT-VALUE}).")
    private Path out = Path.of("target/calibration");

    static CalibrateOptions parse(String... args) {
        return Cli.parse(new CalibrateOptions(), args);
    }

    @Override
    public void check() {
        if (questionFiles.isEmpty()) {
            throw new IllegalArgumentException("--questions FILE is required");
        }
        if (banks.size() > 1 && banks.size() != questionFiles.size()) {
            throw new IllegalArgumentException("give one --bank for all --questions files, or one --bank per --questions"
                    + " file (got " + banks.size() + " banks and " + questionFiles.size() + " question files)");
        }
        requireIn("--target-precision", targetPrecision, 0.01, 1);
        requireIn("--confidence", confidence, 0.5, 0.999);
        requireIn("--target-to-person", targetToPerson, 0, 1);
        requireIn("--sessions", sessions, 1, 64);
        requireInIfGiven("--min-score", minScore, -1, 1);
        requireInIfGiven("--clarify-score", clarifyScore, -1, 1);
        requireInIfGiven("--clarify-margin", clarifyMargin, 0, 2);
        try {
            given();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the thresholds given do not fit: " + e.getMessage());
        }
        if (tenant != null && !FaqRecords.TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("--tenant '" + tenant + "' is not a tenant name ("
                    + FaqRecords.TENANT.pattern() + ")");
        }
    }

    private static void requireIn(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(option + " must be in [" + plain(min) + ", " + plain(max) + "], got "
                    + plain(value));
        }
    }

    private static void requireInIfGiven(String option, Double value, double min, double max) {
        if (value != null) {
            requireIn(option, value, min, max);
        }
    }

    /** 2 rather than 2.0, as the user would type it. */
    private static String plain(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    /** Each question file with its bank: the one bank, or the bank given in the same place. */
    List<Calibrate.LabelledSet> sets() {
        List<Calibrate.LabelledSet> sets = new ArrayList<>();
        for (int i = 0; i < questionFiles.size(); i++) {
            String bank = banks.isEmpty() ? SAMPLE_BANK : banks.get(banks.size() == 1 ? 0 : i);
            sets.add(new Calibrate.LabelledSet(bank, questionFiles.get(i)));
        }
        return sets;
    }

    ModelOptions model() {
        return model;
    }

    /** The precision the answer route must reach, at the confidence asked. */
    PrecisionTarget target() {
        return new PrecisionTarget(targetPrecision, confidence);
    }

    double targetToPerson() {
        return targetToPerson;
    }

    /** The tenant whose YAML to write, or null for the job-wide thresholds. */
    String tenant() {
        return tenant;
    }

    Path out() {
        return out;
    }

    int sessions() {
        return sessions;
    }

    /** The thresholds to report as they are: those given, the job's defaults for the rest. */
    Thresholds given() {
        Thresholds defaults = MatcherConfig.defaults().thresholds(LiveBanks.DEFAULT_TENANT);
        return new Thresholds(minScore != null ? minScore : defaults.minScore(),
                clarifyScore != null ? clarifyScore : defaults.clarifyScore(),
                clarifyMargin != null ? clarifyMargin : defaults.clarifyMargin());
    }
}
