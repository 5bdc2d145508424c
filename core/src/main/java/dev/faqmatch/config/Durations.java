package dev.faqmatch.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as settings write them: a whole number and a unit ({@code 25ms}, {@code 5 s},
 * {@code 1min}, {@code 2h}, {@code 1d}); a bare number is milliseconds. The same forms as Flink's
 * own configuration, so that a value copied from a Flink config file means the same here.
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([a-zµ]*)");
    private static final Map<String, Duration> UNITS = Map.ofEntries(
            Map.entry("", Duration.ofMillis(1)),
            Map.entry("ms", Duration.ofMillis(1)), Map.entry("milli", Duration.ofMillis(1)),
            Map.entry("millis", Duration.ofMillis(1)), Map.entry("millisecond", Duration.ofMillis(1)),
            Map.entry("milliseconds", Duration.ofMillis(1)),
            Map.entry("s", Duration.ofSeconds(1)), Map.entry("sec", Duration.ofSeconds(1)),
            Map.entry("secs", Duration.ofSeconds(1)), Map.entry("second", Duration.ofSeconds(1)),
            Map.entry("seconds", Duration.ofSeconds(1)),
            Map.entry("m", Duration.ofMinutes(1)), Map.entry("min", Duration.ofMinutes(1)),
            Map.entry("mins", Duration.ofMinutes(1)), Map.entry("minute", Duration.ofMinutes(1)),
            Map.entry("minutes", Duration.ofMinutes(1)),
            Map.entry("h", Duration.ofHours(1)), Map.entry("hour", Duration.ofHours(1)),
            Map.entry("hours", Duration.ofHours(1)),
            Map.entry("d", Duration.ofDays(1)), Map.entry("day", Duration.ofDays(1)),
            Map.entry("days", Duration.ofDays(1)));

    private Durations() {}

    /** Parses one duration; throws {@link IllegalArgumentException} for anything else. */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
        Duration unit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("not a duration: '" + text + "'");
        }
        return unit.multipliedBy(Long.parseLong(m.group(1)));
    }

    /** The largest unit that writes {@code d} as a whole number: {@code 100 ms}, {@code 10 min}, {@code 1 h}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + " d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms != 0 && ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }
}
