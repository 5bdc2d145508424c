package dev.faqmatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** CPU time of processes (Linux), to see where the cores' time goes. */
final class Cpu {
    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    private static final long TICKS = 100;

    private Cpu() {}

    /** This JVM's CPU time, all threads, native ones (ONNX Runtime) included. */
    static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** Another process's CPU time (user + system), 0 where unreadable. */
    static long processNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 1_000_000_000L / TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU time the whole machine spent busy, all processes (user, nice, system, irq, softirq of
     * /proc/stat's first line), and the time the hypervisor gave this machine's CPUs to others
     * (steal); zeros where unreadable.
     */
    static long[] machineBusyAndStealNanos() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElse("").trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new long[] {busy * 1_000_000_000L / TICKS, steal * 1_000_000_000L / TICKS};
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    /** Milliseconds the collectors and the JIT compilers reported so far (GC pauses are wall time). */
    static Map<String, Long> gcAndJitMillis() {
        Map<String, Long> out = new LinkedHashMap<>();
        long gc = 0;
        for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, bean.getCollectionTime());
        }
        out.put("GC (collection time)", gc);
        var jit = ManagementFactory.getCompilationMXBean();
        out.put("JIT (compilation time)", jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime() : -1);
        return out;
    }

    /** CPU nanoseconds of this JVM's live threads, summed by a name with digits and subtask numbers blurred. */
    static Map<String, Long> byThreadGroup() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = mx.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                out.merge(group(info.getThreadName()), cpu, Long::sum);
            }
        }
        return out;
    }

    /** Per group, milliseconds of CPU per question between two snapshots, largest first. */
    static Map<String, Double> perQuestion(Map<String, Long> before, Map<String, Long> after, int questions) {
        List<Map.Entry<String, Long>> deltas = new ArrayList<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                deltas.add(Map.entry(e.getKey(), d));
            }
        }
        deltas.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : deltas) {
            double ms = e.getValue() / 1e6 / questions;
            if (ms >= 0.005) {
                out.put(e.getKey(), Math.round(ms * 1000) / 1000.0);
            }
        }
        return out;
    }

    private static String group(String name) {
        String n = name;
        if (n.startsWith("Source: ")) {
            return "Flink task thread (source, parse, tokenize, enqueue, sink writer)";
        }
        if (n.startsWith("Source Data Fetcher")) {
            return "Kafka source fetcher";
        }
        if (n.startsWith("kafka-producer-network-thread")) {
            return "Kafka producer network threads";
        }
        if (n.startsWith("bench-batcher")) {
            return "batchers (ONNX Runtime run, pooling, top-k)";
        }
        if (n.startsWith("faq-batcher")) {
            return "faq-batcher (ONNX Runtime run, pooling, top-k)";
        }
        return n.replaceAll("\\d+", "N");
    }
}
