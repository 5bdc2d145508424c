package dev.faqmatch.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Embeds many texts through one or more embedders (each typically an ONNX Runtime session with
 * one intra-op thread, which measured faster on CPU than one session with several threads). Each
 * distinct text is embedded once. Texts are sorted by length before they are cut into batches:
 * a batch is padded to its longest text, so batches of similar lengths waste almost nothing on
 * padding. Longest batches go first, so that the workers finish at about the same time.
 */
public final class ParallelEmbedder {
    private final List<Function<List<String>, float[][]>> workers;
    private final int batchSize;

    /**
     * @param workers embed one batch each, called from one thread each (worker {@code i} always
     *     from the same thread)
     * @param batchSize texts per call
     */
    public ParallelEmbedder(List<Function<List<String>, float[][]>> workers, int batchSize) {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("at least one worker is needed");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.workers = List.copyOf(workers);
        this.batchSize = batchSize;
    }

    /** The embedding of every distinct text; iteration follows first occurrence. */
    public Map<String, float[]> embedDistinct(List<String> texts) {
        LinkedHashMap<String, float[]> byText = new LinkedHashMap<>();
        for (String t : texts) {
            byText.putIfAbsent(t, null);
        }
        String[] distinct = byText.keySet().toArray(new String[0]);
        float[][] vectors = embedInLengthOrder(distinct);
        for (int i = 0; i < distinct.length; i++) {
            byText.put(distinct[i], vectors[i]);
        }
        return byText;
    }

    private float[][] embedInLengthOrder(String[] texts) {
        Integer[] order = new Integer[texts.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> texts[i].length()).reversed());
        int batches = (texts.length + batchSize - 1) / batchSize;
        float[][] vectors = new float[texts.length][];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers.size(); w++) {
            Function<List<String>, float[][]> worker = workers.get(w);
            Runnable loop = () -> {
                int b;
                while (failure.get() == null && (b = next.getAndIncrement()) < batches) {
                    int from = b * batchSize;
                    int to = Math.min(texts.length, from + batchSize);
                    List<String> batch = new ArrayList<>(to - from);
                    for (int k = from; k < to; k++) {
                        batch.add(texts[order[k]]);
                    }
                    try {
                        float[][] out = worker.apply(batch);
                        if (out.length != batch.size()) {
                            throw new IllegalStateException("an embedder returned " + out.length + " vectors for "
                                    + batch.size() + " texts");
                        }
                        for (int k = from; k < to; k++) {
                            vectors[order[k]] = out[k - from];
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            };
            if (workers.size() == 1) {
                loop.run();
            } else {
                Thread t = new Thread(loop, "eval-embedder-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new IllegalStateException("interrupted while embedding", e));
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return vectors;
    }

    public int batchSize() {
        return batchSize;
    }

    public int workers() {
        return workers.size();
    }
}
