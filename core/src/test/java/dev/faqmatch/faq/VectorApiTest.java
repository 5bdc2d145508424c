package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule the Vector API kernels follow so that the JIT never boxes a vector ({@link VectorApi}). */
class VectorApiTest {
    @Test
    void noKernelMethodTakesOrReturnsAVector() throws ClassNotFoundException {
        assumeTrue(VectorApi.available(), "the test JVM runs without --add-modules=jdk.incubator.vector");
        List<Class<?>> boxedAcrossCalls = List.of(Class.forName("jdk.incubator.vector.Vector"),
                Class.forName("jdk.incubator.vector.VectorMask"), Class.forName("jdk.incubator.vector.VectorShuffle"));
        List<String> offenders = new ArrayList<>();
        for (Class<?> kernel : List.of(VectorInt8Kernel.class, VectorFloatKernel.class)) {
            for (Method method : kernel.getDeclaredMethods()) {
                List<Class<?>> types = new ArrayList<>(List.of(method.getParameterTypes()));
                types.add(method.getReturnType());
                for (Class<?> type : types) {
                    if (boxedAcrossCalls.stream().anyMatch(v -> v.isAssignableFrom(type))) {
                        offenders.add(kernel.getSimpleName() + "." + method.getName() + " (" + type.getSimpleName() + ")");
                    }
                }
            }
        }
        assertThat(offenders).as("kernel methods passing a vector across a call").isEmpty();
    }
}
