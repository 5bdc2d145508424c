package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RefCountedCacheTest {

    private static final class Resource implements AutoCloseable {
        final int serial;
        int closes;

        Resource(int serial) {
            this.serial = serial;
        }

        @Override
        public void close() {
            closes++;
        }
    }

    @Test
    void twoAcquiresBuildOnceAndShareTheValue() throws Exception {
        RefCountedCache<String, Resource> cache = new RefCountedCache<>();
        AtomicInteger builds = new AtomicInteger();
        var a = cache.acquire("k", () -> new Resource(builds.incrementAndGet()));
        var b = cache.acquire("k", () -> new Resource(builds.incrementAndGet()));
        assertThat(builds).hasValue(1);
        assertThat(b.get()).isSameAs(a.get());
        assertThat(cache.users("k")).isEqualTo(2);
        a.close();
        b.close();
    }

    @Test
    void differentKeysBuildSeparately() throws Exception {
        RefCountedCache<String, Resource> cache = new RefCountedCache<>();
        AtomicInteger builds = new AtomicInteger();
        var a = cache.acquire("a", () -> new Resource(builds.incrementAndGet()));
        var b = cache.acquire("b", () -> new Resource(builds.incrementAndGet()));
        assertThat(builds).hasValue(2);
        assertThat(a.get()).isNotSameAs(b.get());
        a.close();
        assertThat(a.get().closes).isEqualTo(1);
        assertThat(b.get().closes).isZero();
        b.close();
    }

    @Test
    void closesValueOnlyAfterLastRelease() throws Exception {
        RefCountedCache<String, Resource> cache = new RefCountedCache<>();
        var a = cache.acquire("k", () -> new Resource(1));
        var b = cache.acquire("k", () -> new Resource(2));
        Resource value = a.get();

        a.close();
        assertThat(value.closes).isZero();
        assertThat(cache.users("k")).isEqualTo(1);

        b.close();
        assertThat(value.closes).isEqualTo(1);
        assertThat(cache.users("k")).isZero();
    }

    @Test
    void doubleCloseReleasesOnce() throws Exception {
        RefCountedCache<String, Resource> cache = new RefCountedCache<>();
        var a = cache.acquire("k", () -> new Resource(1));
        var b = cache.acquire("k", () -> new Resource(2));
        Resource value = a.get();

        a.close();
        a.close();
        assertThat(cache.users("k")).isEqualTo(1);
        assertThat(value.closes).isZero();

        b.close();
        b.close();
        assertThat(value.closes).isEqualTo(1);
        assertThat(cache.users("k")).isZero();
    }

    @Test
    void acquireAfterFullReleaseBuildsAnew() throws Exception {
        RefCountedCache<String, Resource> cache = new RefCountedCache<>();
        var first = cache.acquire("k", () -> new Resource(1));
        first.close();
        var second = cache.acquire("k", () -> new Resource(2));
        assertThat(second.get().serial).isEqualTo(2);
        assertThat(second.get().closes).isZero();
        second.close();
    }

    @Test
    void nonCloseableValuesAreFine() throws Exception {
        RefCountedCache<String, String> cache = new RefCountedCache<>();
        var lease = cache.acquire("k", () -> "value");
        assertThat(lease.get()).isEqualTo("value");
        lease.close();
        assertThat(cache.users("k")).isZero();
    }

    @Test
    void failingFactoryLeavesNoEntry() throws Exception {
        RefCountedCache<String, Resource> cache = new RefCountedCache<>();
        assertThatThrownBy(() -> cache.acquire("k", () -> {
            throw new IllegalStateException("cannot build");
        })).isInstanceOf(IllegalStateException.class).hasMessage("cannot build");
        assertThat(cache.users("k")).isZero();
        var lease = cache.acquire("k", () -> new Resource(7));
        assertThat(lease.get().serial).isEqualTo(7);
        lease.close();
    }
}
