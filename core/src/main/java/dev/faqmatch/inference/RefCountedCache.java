package dev.faqmatch.inference;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Shares one expensive, thread-safe resource per key among the slots of a JVM, and closes it
 * when the last user lets go (if it is {@link AutoCloseable}). Two slots asking for the same key
 * at once build it once; slots asking for different keys build theirs in parallel.
 */
public final class RefCountedCache<K, V> {
    private final Map<K, Entry<V>> entries = new HashMap<>();

    private static final class Entry<V> {
        V value;
        int users;
    }

    public Lease acquire(K key, Supplier<V> factory) {
        Entry<V> entry;
        synchronized (this) {
            entry = entries.computeIfAbsent(key, k -> new Entry<>());
            entry.users++;
        }
        synchronized (entry) {
            if (entry.value == null) {
                try {
                    entry.value = factory.get();
                } catch (RuntimeException | Error e) {
                    synchronized (this) {
                        if (--entry.users == 0) {
                            entries.remove(key);
                        }
                    }
                    throw e;
                }
            }
            return new Lease(key, entry.value);
        }
    }

    public synchronized int users(K key) {
        Entry<V> entry = entries.get(key);
        return entry == null ? 0 : entry.users;
    }

    private void release(K key) throws Exception {
        V toClose = null;
        synchronized (this) {
            Entry<V> entry = entries.get(key);
            if (entry != null && --entry.users == 0) {
                entries.remove(key);
                toClose = entry.value;
            }
        }
        if (toClose instanceof AutoCloseable closeable) {
            closeable.close();
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
