package dev.faqmatch.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where settings point at data: a file path, or {@code classpath:path/in/jar} for what the jar ships. */
public final class Locations {
    public static final String CLASSPATH_PREFIX = "classpath:";

    private Locations() {}

    /**
     * Opens {@code location} for reading.
     *
     * @throws FileNotFoundException saying whether the resource or the file is missing
     */
    public static InputStream open(String location) throws IOException {
        if (location.startsWith(CLASSPATH_PREFIX)) {
            String resource = location.substring(CLASSPATH_PREFIX.length());
            InputStream in = Locations.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new FileNotFoundException(location + " is not on the classpath");
            }
            return in;
        }
        Path path = Path.of(location);
        if (!Files.isRegularFile(path)) {
            throw new FileNotFoundException(location + " does not exist or is not a file");
        }
        return Files.newInputStream(path);
    }
}
