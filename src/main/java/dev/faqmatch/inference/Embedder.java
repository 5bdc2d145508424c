package dev.faqmatch.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model ready to embed text: its tokenizer and one ONNX Runtime session on a device. Both are
 * thread-safe, so one embedder may serve several slots (one session per GPU); on the CPU the job
 * gives each slot its own.
 */
public final class Embedder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Embedder.class);
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final ModelSource model;
    private final ModelSpec spec;
    private final TextEncoder encoder;
    private final OrtSession session;
    private final Device device;
    private final int intraOpThreads;
    private final boolean needsTokenTypes;
    /** Runs hold the read side; close takes the write side, so a session is never closed under a run. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Embedder(ModelSource model, TextEncoder encoder, OrtSession session, Device device, int intraOpThreads) {
        this.model = model;
        this.spec = model.spec();
        this.encoder = encoder;
        this.session = session;
        this.device = device;
        this.intraOpThreads = intraOpThreads;
        this.needsTokenTypes = session.getInputNames().contains(TOKEN_TYPE_IDS);
    }

    /** The one ONNX Runtime environment of this JVM. */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "faq-matcher");
    }

    /**
     * Loads the model on the requested device. A GPU that CUDA cannot serve (no driver, no CUDA
     * 12 / cuDNN 9, a CPU-only ONNX Runtime) falls back to the CPU with one warning; {@link
     * #device()} tells which one runs. The model is checked with one run before it is returned.
     *
     * @param intraOpThreads ONNX Runtime intra-op threads; without a limit each session would use
     *     every core and slots would fight over them
     */
    public static Embedder open(ModelSource model, Device requested, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        TextEncoder encoder = new TextEncoder(model);
        try {
            byte[] onnx = model.readOnnx();
            Device device = requested;
            OrtSession session = null;
            if (requested.gpu()) {
                try {
                    session = createSession(onnx, requested, intraOpThreads);
                } catch (OrtException e) {
                    LOG.warn("CUDA execution provider cannot run on {} ({}); this slot runs {} on the CPU",
                            requested, firstLine(e.getMessage()), model.spec().name());
                    device = Device.CPU;
                }
            }
            if (session == null) {
                try {
                    session = createSession(onnx, Device.CPU, intraOpThreads);
                } catch (OrtException e) {
                    throw new ModelException("model.onnx of " + model.id() + " cannot be loaded by ONNX Runtime: "
                            + firstLine(e.getMessage()), e);
                }
            }
            Embedder embedder = new Embedder(model, encoder, session, device, intraOpThreads);
            embedder.check();
            return embedder;
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    private static OrtSession createSession(byte[] onnx, Device device, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (device.gpu()) {
                options.addCUDA(device.gpuId());
            }
            return environment().createSession(onnx, options);
        }
    }

    /** Checks inputs, output and vocabulary against the spec, so a mismatch fails at start. */
    private void check() {
        try {
            List<String> missing = new ArrayList<>();
            for (String input : List.of(INPUT_IDS, ATTENTION_MASK)) {
                if (!session.getInputNames().contains(input)) {
                    missing.add(input);
                }
            }
            if (!missing.isEmpty()) {
                throw new ModelException("model.onnx of " + model.id() + " lacks the inputs " + missing
                        + " (it has " + session.getInputNames() + "): export a BERT-style encoder");
            }
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            NodeInfo out = outputs.get(spec.output());
            if (out == null) {
                throw new ModelException("model.json of " + model.id() + " names output '" + spec.output()
                        + "', but the graph's outputs are " + outputs.keySet() + ": fix 'output'");
            }
            if (out.getInfo() instanceof TensorInfo t && t.getShape().length != 3) {
                throw new ModelException("output '" + spec.output() + "' of " + model.id() + " has rank "
                        + t.getShape().length + "; it must hold token embeddings [batch, sequence, dim]");
            }
            // The largest id the tokenizer can produce must exist in the model's embedding table.
            long[] probe = encoder.encode("测试").ids().clone();
            probe[1] = encoder.vocabSize() - 1;
            float[][] vectors;
            try {
                vectors = embed(List.of(new TokenizedText(probe, false)));
            } catch (RuntimeException e) {
                throw new ModelException("tokenizer.json and model.onnx of " + model.id() + " disagree: token id "
                        + probe[1] + ", the largest the tokenizer can produce, fails in the model: "
                        + firstLine(e.getMessage()), e);
            }
            if (vectors[0].length != spec.dim()) {
                throw new ModelException("model.json of " + model.id() + " says dim " + spec.dim()
                        + ", but the model produces " + vectors[0].length + ": fix 'dim'");
            }
        } catch (ModelException e) {
            close();
            throw e;
        } catch (OrtException e) {
            close();
            throw new ModelException("model.onnx of " + model.id() + " cannot be inspected: " + e.getMessage(), e);
        }
    }

    public TokenizedText tokenize(String text) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new InferenceException("the tokenizer of " + spec.name() + " is closed", null);
            }
            return encoder.encode(text);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Tokenizes and embeds in one call; convenient for tools and FAQ banks. */
    public float[][] embedTexts(List<String> texts) {
        List<TokenizedText> tokens = new ArrayList<>(texts.size());
        for (String text : texts) {
            tokens.add(tokenize(text));
        }
        return embed(tokens);
    }

    /**
     * Embeds a batch: texts of similar length share one ONNX Runtime run, padded to the longest of
     * them. Sorting by length and cutting where padding would more than double a run's work keeps
     * one long text from inflating every question of its batch to its length.
     *
     * @return one vector per text, in order, L2-normalized if the model says so
     */
    public float[][] embed(List<TokenizedText> batch) {
        int size = batch.size();
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> batch.get(i).length()));
        float[][] vectors = new float[size][];
        int start = 0;
        while (start < size) {
            int shortest = batch.get(order[start]).length();
            int end = start + 1;
            while (end < size && batch.get(order[end]).length() <= Math.max(2 * shortest, shortest + 16)) {
                end++;
            }
            List<TokenizedText> run = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                run.add(batch.get(order[i]));
            }
            float[][] out = run(run);
            for (int i = start; i < end; i++) {
                vectors[order[i]] = out[i - start];
            }
            start = end;
        }
        return vectors;
    }

    /** One ONNX Runtime run over texts padded to the longest of them. */
    private float[][] run(List<TokenizedText> batch) {
        int size = batch.size();
        if (size == 0) {
            return new float[0][];
        }
        int seqLen = 0;
        for (TokenizedText t : batch) {
            seqLen = Math.max(seqLen, t.length());
        }
        long[] ids = new long[size * seqLen];
        long[] mask = new long[size * seqLen];
        for (int i = 0; i < size; i++) {
            long[] t = batch.get(i).ids();
            System.arraycopy(t, 0, ids, i * seqLen, t.length);
            java.util.Arrays.fill(mask, i * seqLen, i * seqLen + t.length, 1L);
        }
        long[] shape = {size, seqLen};
        OrtEnvironment env = environment();
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new InferenceException("the session of " + spec.name() + " is closed", null);
            }
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (needsTokenTypes) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[size * seqLen]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, java.util.Set.of(spec.output()))) {
                Optional<OnnxValue> value = result.get(spec.output());
                OnnxTensor hidden = (OnnxTensor) value.orElseThrow(
                        () -> new IllegalStateException("the model returned no '" + spec.output() + "'"));
                long[] outShape = hidden.getInfo().getShape();
                int dim = (int) outShape[2];
                FloatBuffer buffer = hidden.getFloatBuffer();
                float[] flat = new float[buffer.remaining()];
                buffer.get(flat);
                float[][] vectors = new float[size][];
                for (int i = 0; i < size; i++) {
                    float[] v = spec.pooling().pool(flat, i, seqLen, dim, batch.get(i).length());
                    vectors[i] = spec.normalize() ? Vectors.l2NormalizeInPlace(v) : v;
                }
                return vectors;
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed on a batch of " + size + " (padded to " + seqLen
                    + " tokens) on " + device + ": " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
            lifecycle.readLock().unlock();
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    public ModelSource model() {
        return model;
    }

    /** The device this embedder actually runs on (the CPU after a GPU fallback). */
    public Device device() {
        return device;
    }

    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Waits for runs in progress to end, then releases the session; later runs fail. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing the ONNX Runtime session of {} failed: {}", model, e.getMessage());
        } finally {
            encoder.close();
            lifecycle.writeLock().unlock();
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public String toString() {
        return spec.name() + " on " + device + " (" + intraOpThreads + " intra-op thread(s), pooling "
                + spec.pooling().id() + ", max_seq_len " + spec.maxSeqLen() + ", dim " + spec.dim() + ")";
    }
}
