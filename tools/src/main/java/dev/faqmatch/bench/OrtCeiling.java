package dev.faqmatch.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.LengthBuckets;
import dev.faqmatch.inference.OrtSessions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The model's raw ONNX Runtime throughput on pre-tokenized input: no tokenizer, pooling, queue
 * or top-k, only tensors in, session.run, result closed. Batches are consecutive texts, each
 * padded to its own longest text (or, with bucketing, cut into runs of similar length).
 */
final class OrtCeiling implements AutoCloseable {
    /** How sessions, intra-op threads and calling threads are laid out on the cores. */
    enum Layout {
        /** One session using every core, called by one thread. */
        ONE_SESSION_ALL_THREADS,
        /** One session with one intra-op thread, called by one thread per core. */
        ONE_SESSION_SHARED,
        /** One session per core, one intra-op thread each, each called by its own thread. */
        SESSION_PER_CORE
    }

    /**
     * @param cpuSeconds CPU time of the calling threads; with one intra-op thread ONNX Runtime
     *     computes on the caller, so texts per CPU-second is the throughput a quiet core would
     *     give, little moved by other work on the machine (NaN for multi-threaded sessions)
     */
    record Point(String model, Layout layout, int sessions, int intraOpThreads, int callers, int batch,
            boolean bucketed, int texts, double seconds, double perSecond, double cpuSeconds) {
        double perCpuSecond() {
            return texts / cpuSeconds;
        }

        String label() {
            return layout + " b" + batch + (bucketed ? " bucketed" : "");
        }
    }

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final String model;
    private final String output;
    private final byte[] onnx;
    private final List<long[]> tokens;
    private final int cores;
    private final Map<Integer, List<OrtSession>> sessionsByThreads = new HashMap<>();

    OrtCeiling(String model, String output, byte[] onnx, List<long[]> tokens, int cores) {
        this.model = model;
        this.output = output;
        this.onnx = onnx;
        this.tokens = tokens;
        this.cores = cores;
    }

    Point measure(Layout layout, int batch, boolean bucketed) throws Exception {
        return measure(layout, batch, bucketed, LengthBuckets.DEFAULT_RUN_COST);
    }

    /** @param runCost the cost of one more run in padding tokens, for {@link LengthBuckets#plan} */
    Point measure(Layout layout, int batch, boolean bucketed, int runCost) throws Exception {
        int callers = layout == Layout.ONE_SESSION_ALL_THREADS ? 1 : cores;
        int threads = layout == Layout.ONE_SESSION_ALL_THREADS ? cores : 1;
        int sessionCount = layout == Layout.SESSION_PER_CORE ? cores : 1;
        List<OrtSession> sessions = sessions(threads, sessionCount);
        // warm-up: a few batches per caller, untimed
        List<List<long[]>> warm = batches(tokens.subList(0, Math.min(tokens.size(), 4 * batch * callers)), batch);
        runAll(warm, sessions, callers, bucketed, output, runCost);
        List<List<long[]>> work = batches(tokens, batch);
        long start = System.nanoTime();
        double cpu = runAll(work, sessions, callers, bucketed, output, runCost);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Point(model, layout, sessionCount, threads, callers, batch, bucketed, tokens.size(), seconds,
                tokens.size() / seconds, threads == 1 ? cpu : Double.NaN);
    }

    private List<OrtSession> sessions(int threads, int count) throws OrtException {
        List<OrtSession> list = sessionsByThreads.computeIfAbsent(threads, t -> new ArrayList<>());
        while (list.size() < count) {
            try (OrtSession.SessionOptions options =
                    OrtSessions.options(Device.CPU, threads, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
                if (Boolean.getBoolean("bench.noMemPattern")) {
                    options.setMemoryPatternOptimization(false);
                }
                if (Boolean.getBoolean("bench.noArena")) {
                    options.setCPUArenaAllocator(false);
                }
                list.add(OrtSessions.environment().createSession(onnx, options));
            }
        }
        return list.subList(0, count);
    }

    private static List<List<long[]>> batches(List<long[]> all, int batch) {
        List<List<long[]>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += batch) {
            out.add(all.subList(i, Math.min(all.size(), i + batch)));
        }
        return out;
    }

    private static double runAll(List<List<long[]>> work, List<OrtSession> sessions, int callers, boolean bucketed,
            String output, int runCost) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong cpuNanos = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        Exception[] failure = new Exception[1];
        for (int c = 0; c < callers; c++) {
            OrtSession session = sessions.get(c % sessions.size());
            Thread t = new Thread(() -> {
                long cpuStart = CPU.getCurrentThreadCpuTime();
                try {
                    for (int i = next.getAndIncrement(); i < work.size(); i = next.getAndIncrement()) {
                        List<long[]> batch = work.get(i);
                        if (bucketed && batch.size() > 1) {
                            int[] lengths = new int[batch.size()];
                            for (int k = 0; k < lengths.length; k++) {
                                lengths[k] = batch.get(k).length;
                            }
                            for (int[] run : LengthBuckets.plan(lengths, runCost)) {
                                List<long[]> part = new ArrayList<>(run.length);
                                for (int k : run) {
                                    part.add(batch.get(k));
                                }
                                run(session, part, output);
                            }
                        } else {
                            run(session, batch, output);
                        }
                    }
                } catch (Exception e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                } finally {
                    cpuNanos.addAndGet(CPU.getCurrentThreadCpuTime() - cpuStart);
                }
            }, "ceiling-" + c);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return cpuNanos.get() / 1e9;
    }

    static void run(OrtSession session, List<long[]> batch, String output) throws OrtException {
        int size = batch.size();
        int len = 0;
        for (long[] t : batch) {
            len = Math.max(len, t.length);
        }
        long[] ids = new long[size * len];
        long[] mask = new long[size * len];
        for (int i = 0; i < size; i++) {
            long[] t = batch.get(i);
            System.arraycopy(t, 0, ids, i * len, t.length);
            java.util.Arrays.fill(mask, i * len, i * len + t.length, 1L);
        }
        long[] shape = {size, len};
        OrtEnvironment env = OrtSessions.environment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[size * len]), shape));
            }
            try (OrtSession.Result ignored = session.run(inputs, Set.of(output))) {
                // only the run is measured
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        for (List<OrtSession> list : sessionsByThreads.values()) {
            for (OrtSession s : list) {
                s.close();
            }
        }
        sessionsByThreads.clear();
    }
}
