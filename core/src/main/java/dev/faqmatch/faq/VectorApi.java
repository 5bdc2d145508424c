package dev.faqmatch.faq;

import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM can run the JDK's incubating Vector API ({@code --add-modules=jdk.incubator.vector}),
 * and the choice between a kernel on it and its plain-Java twin.
 */
public final class VectorApi {
    private VectorApi() {}

    /** Whether the JVM has the module (the kernels' choice, and what the benchmarks report). */
    public static boolean available() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * {@code vector}'s kernel where the module is there and links, else {@code scalar}'s. The
     * suppliers must be lambdas, not constructor references: those would load the Vector API
     * class outside this check.
     *
     * @param what what falls back to plain loops, for the warning
     */
    static <T> T choose(Class<T> kernel, Supplier<T> vector, Supplier<T> scalar, String what) {
        if (available()) {
            try {
                return vector.get();
            } catch (LinkageError e) {
                LoggerFactory.getLogger(kernel).warn("jdk.incubator.vector cannot be used ({}); {} with plain Java loops",
                        e.toString(), what);
            }
        }
        return scalar.get();
    }
}
