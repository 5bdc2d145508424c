package dev.faqmatch.inference;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Shares one expensive, thread-safe resource per key among the slots of a JVM, and closes it when
 * the last user lets go (if it is {@link AutoCloseable}). Creation happens under the cache's lock so that two slots asking at once
 * build it once.
 */
public final class RefCountedCache<K, V> {
    private final Map<K, Entry<V>> entries = new HashMap<>();

    private static final class Entry<V> {
        final V value;
        int users;

        Entry(V value) {
            this.value = value;
        }
    }

    public synchronized Lease acquire(K key, Supplier<V> factory) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            entry = new Entry<>(factory.get());
            entries.put(key, entry);
        }
        entry.users++;
        return new Lease(key, entry.value);
    }

    public synchronized int users(K key) {
        Entry<V> entry = entries.get(key);
        return entry == null ? 0 : entry.users;
    }

    private synchronized void release(K key) throws Exception {
        Entry<V> entry = entries.get(key);
        if (entry != null && --entry.users == 0) {
            entries.remove(key);
            if (entry.value instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    /** One user's hold on a shared value; closing it twice releases once. */
    public final class Lease implements AutoCloseable {
        private final K key;
        private final V value;
        private boolean released;

        private Lease(K key, V value) {
            this.key = key;
            this.value = value;
        }

        public V get() {
            return value;
        }

        @Override
        public void close() throws Exception {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(key);
        }
    }
}
