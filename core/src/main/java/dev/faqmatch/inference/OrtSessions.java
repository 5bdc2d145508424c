package dev.faqmatch.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates ONNX Runtime sessions for the job: one environment per JVM, a session per device with
 * a bounded number of threads, and the two fallbacks a deployment meets (a GPU that CUDA cannot
 * serve, a graph that the last optimization level breaks).
 */
public final class OrtSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

    /**
     * An int8 model's uint8 x int8 matrix products are exact on every x86 CPU with this on. Without
     * it, ONNX Runtime's kernel for CPUs without VNNI (AVX2, or AVX-512 without VNNI) adds pairs of
     * products in 16 bits with saturation, and a model whose int8 weights span -127..127
     * (quantize_dynamic's default, as in the default model) loses accuracy there: the default model
     * scored ATEC 46.44 instead of 47.93 on an AVX2 AMD EPYC. With it, ONNX Runtime stores such
     * weights as uint8 on those CPUs only, and keeps the faster kernel where VNNI makes it exact.
     */
    static final String X64_QUANT_PRECISION = "session.x64quantprecision";

    private OrtSessions() {}

    /** A session and the device it actually runs on (the CPU after a GPU fallback). */
    record Opened(OrtSession session, Device device) {}

    /** The one ONNX Runtime environment of this JVM. */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "faq-matcher");
    }

    /**
     * A session of {@code model} on {@code requested}. A GPU that CUDA cannot serve (no driver, no
     * CUDA 12 / cuDNN 9, a CPU-only ONNX Runtime) falls back to the CPU with one warning: only a
     * successful {@code addCUDA} proves a GPU, since the provider list names CUDA regardless.
     */
    static Opened open(ModelSource model, Device requested, int intraOpThreads) {
        byte[] onnx = model.readOnnx();
        if (requested.gpu()) {
            try {
                return new Opened(create(onnx, requested, intraOpThreads), requested);
            } catch (OrtException e) {
                LOG.warn("CUDA execution provider cannot run on {} ({}); this slot runs {} on the CPU",
                        requested, firstLine(e.getMessage()), model.spec().name());
            }
        }
        try {
            return new Opened(create(onnx, Device.CPU, intraOpThreads), Device.CPU);
        } catch (OrtException e) {
            throw new ModelException("model.onnx of " + model.id() + " cannot be loaded by ONNX Runtime: "
                    + firstLine(e.getMessage()), e);
        }
    }

    /** A session at the highest optimization level the graph allows; package-private for tests. */
    static OrtSession create(byte[] onnx, Device device, int threads) throws OrtException {
        try {
            return create(onnx, device, threads, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        } catch (OrtException allOpt) {
            // ONNX Runtime 1.23's last optimization level breaks some valid graphs: an fp16 BERT from
            // deploy/export-model.py on the CPU fails in its layer-norm fusion after the CPU provider
            // inserted casts. The level below it loads them; a model that is really broken fails
            // there too, and the first error is the one reported.
            try {
                OrtSession session = create(onnx, device, threads, OrtSession.SessionOptions.OptLevel.LAYOUT_OPT);
                LOG.warn("ONNX Runtime could not apply all graph optimizations to the model on {} ({}); it runs with"
                        + " the level below (LAYOUT_OPT)", device, firstLine(allOpt.getMessage()));
                return session;
            } catch (OrtException layoutOpt) {
                allOpt.addSuppressed(layoutOpt);
                throw allOpt;
            }
        }
    }

    private static OrtSession create(byte[] onnx, Device device, int threads, OrtSession.SessionOptions.OptLevel level)
            throws OrtException {
        try (OrtSession.SessionOptions options = options(device, threads, level)) {
            return environment().createSession(onnx, options);
        }
    }

    /**
     * The options of the job's sessions: {@code threads} intra-op threads, one inter-op thread (a
     * slot runs one model call at a time), exact int8 products, CUDA on a GPU device. The caller
     * closes them; the benchmark's ceiling builds its sessions from them too.
     */
    public static OrtSession.SessionOptions options(Device device, int threads, OrtSession.SessionOptions.OptLevel level)
            throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(level);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.addConfigEntry(X64_QUANT_PRECISION, "1");
            if (device.gpu()) {
                options.addCUDA(device.gpuId());
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** ONNX Runtime's messages carry a stack of native frames after the first line. */
    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
