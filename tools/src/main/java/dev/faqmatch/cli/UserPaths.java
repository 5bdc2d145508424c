package dev.faqmatch.cli;

import dev.faqmatch.io.Locations;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;

/**
 * The paths a user types: deploy/*.sh change to the repository root before they start a tool, so
 * a relative path on the command line is resolved against the directory the script was started in
 * (the system property {@value #CALLER_DIR}, which deploy/common.sh sets). The tools' own defaults
 * ({@code target/bench}, {@code ../shared/data/...}) stay relative to the repository root: they are
 * field values, not parsed text. Without the property (a tool started directly with java) the
 * working directory is the caller's, and paths are left as they are.
 */
public final class UserPaths {
    public static final String CALLER_DIR = "faqmatch.caller.dir";

    private UserPaths() {}

    /** {@code value} as a path relative to the caller's directory. */
    public static Path resolve(String value) {
        return resolve(System.getProperty(CALLER_DIR, ""), value);
    }

    static Path resolve(String callerDir, String value) {
        return Path.of(callerDir).resolve(value);
    }

    /**
     * For options that take a {@link Locations location}: a {@code classpath:} resource as it is, a
     * file relative to the caller's directory.
     */
    public static final class LocationConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return value.startsWith(Locations.CLASSPATH_PREFIX) ? value : resolve(value).toString();
        }
    }
}
