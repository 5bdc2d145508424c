package dev.faqmatch.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One named, typed setting with its default, its parser and what it accepts; the single source
 * of truth for validation messages and for the README's configuration reference.
 */
public final class Setting<T> {
    private final String key;
    private final String defaultValue;
    private final String allowed;
    private final String description;
    private final Function<String, T> parser;

    private Setting(String key, String defaultValue, String allowed, String description, Function<String, T> parser) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.allowed = allowed;
        this.description = description;
        this.parser = parser;
    }

    /** A setting of any type: {@code parser} throws on a value outside {@code allowed}. */
    public static <T> Setting<T> of(String key, String defaultValue, String allowed, String description,
            Function<String, T> parser) {
        return new Setting<>(key, defaultValue, allowed, description, parser);
    }

    public static Setting<String> string(String key, String defaultValue, String description) {
        return new Setting<>(key, defaultValue, "a non-empty string", description, v -> {
            if (v.isBlank()) {
                throw new IllegalArgumentException();
            }
            return v.strip();
        });
    }

    /** A string that may be empty (empty means "not set"). */
    public static Setting<String> optionalString(String key, String description) {
        return new Setting<>(key, "", "a string, empty for none", description, String::strip);
    }

    public static Setting<Integer> integer(String key, int defaultValue, int min, int max, String description) {
        return new Setting<>(key, Integer.toString(defaultValue), "an integer from " + min + " to " + max, description, v -> {
            int parsed = Integer.parseInt(v.strip());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException();
            }
            return parsed;
        });
    }

    public static Setting<Double> decimal(String key, double defaultValue, double min, double max, String description) {
        return new Setting<>(key, Double.toString(defaultValue), "a number from " + min + " to " + max, description, v -> {
            double parsed = Double.parseDouble(v.strip());
            if (!(parsed >= min && parsed <= max)) {
                throw new IllegalArgumentException();
            }
            return parsed;
        });
    }

    public static Setting<Duration> duration(String key, String defaultValue, Duration min, Duration max, String description) {
        return new Setting<>(key, defaultValue,
                "a duration from " + Durations.format(min) + " to " + Durations.format(max)
                        + " such as 10ms, 5s or 1min",
                description, v -> {
                    Duration parsed = Durations.parse(v);
                    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
                        throw new IllegalArgumentException();
                    }
                    return parsed;
                });
    }

    /** One of the enum's constants, written in lower case with '-' for '_'. */
    public static <E extends Enum<E>> Setting<E> choice(String key, E defaultValue, Class<E> type, String description) {
        String names = Arrays.stream(type.getEnumConstants()).map(Setting::external).collect(Collectors.joining(", "));
        return new Setting<>(key, external(defaultValue), "one of " + names, description,
                v -> Enum.valueOf(type, v.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
    }

    static String external(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code raw} (the default when null), or fails naming this setting and what it allows. */
    public T parse(String raw) {
        String value = raw == null ? defaultValue : raw;
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new ConfigException("Invalid value '" + value + "' for setting '" + key + "': expected " + allowed + ".");
        }
    }

    /** The same setting under another key, for settings that repeat per tenant. */
    public Setting<T> renamed(String newKey) {
        return new Setting<>(newKey, defaultValue, allowed, description, parser);
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String allowed() {
        return allowed;
    }

    public String description() {
        return description;
    }
}
