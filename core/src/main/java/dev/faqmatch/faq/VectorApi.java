package dev.faqmatch.faq;

import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM can run the JDK's incubating Vector API ({@code --add-modules=jdk.incubator.vector}),
 * and the choice between a kernel on it and its plain-Java twin.
 *
 * <p>The kernels keep each vector inside one method: no helper of theirs takes or returns one
 * (VectorApiTest holds it). The JIT may leave any of our methods out of line where its caller has
 * inlined too much (Lucene's graph walk, which inlines the build's and the search's scorers and
 * collectors, reaches C2's node budget), and a vector passed across a call that is not inlined is
 * boxed on the heap. A helper that widened bytes to a float vector did that once a bank's first
 * edit added the walk's filter: 2.7 MB of garbage per question, every graph search twice as slow,
 * edited or not, for good. Where the budget runs out now, it cuts at a method returning a float.
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
