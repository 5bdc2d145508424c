package dev.faqmatch.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

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
    private final ThreadLocal<RunBuffers> buffers = ThreadLocal.withInitial(RunBuffers::new);
    private final boolean floatOutput;
    private volatile int runCost = LengthBuckets.DEFAULT_RUN_COST;

    private Embedder(ModelSource model, TextEncoder encoder, OrtSession session, Device device, int intraOpThreads) {
        this.model = model;
        this.spec = model.spec();
        this.encoder = encoder;
        this.session = session;
        this.device = device;
        this.intraOpThreads = intraOpThreads;
        this.needsTokenTypes = session.getInputNames().contains(TOKEN_TYPE_IDS);
        this.floatOutput = floatOutput(session, spec.output());
    }

    private static boolean floatOutput(OrtSession session, String name) {
        try {
            NodeInfo info = session.getOutputInfo().get(name);
            return info != null && info.getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT;
        } catch (OrtException e) {
            return false;
        }
    }

    /**
     * Sets the cost of one extra model run, in padding tokens of one text, that decides how a
     * batch is cut into runs of similar length; {@link Integer#MAX_VALUE} runs every batch as one
     * (for measurements).
     */
    public void setRunCost(int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("run cost must be >= 0, got " + tokens);
        }
        this.runCost = tokens;
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
            OrtSessions.Opened opened = OrtSessions.open(model, requested, intraOpThreads);
            Embedder embedder = new Embedder(model, encoder, opened.session(), opened.device(), intraOpThreads);
            try {
                // unpinned: the output's real dimension is what the check compares with model.json
                ModelCheck.verify(model, opened.session(), encoder,
                        probe -> embedder.embedPadded(List.of(probe), false)[0]);
            } catch (RuntimeException e) {
                embedder.close();
                throw e;
            }
            return embedder;
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
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
     * Embeds a batch: sorted by length and cut into runs where padding would cost more than
     * another run ({@link LengthBuckets}), each run padded to its own longest text.
     *
     * @return one vector per text, in order, L2-normalized if the model says so
     */
    public float[][] embed(List<TokenizedText> batch) {
        int size = batch.size();
        if (size <= 1 || runCost == Integer.MAX_VALUE) {
            return embedPadded(batch, floatOutput);
        }
        int[] lengths = new int[size];
        for (int i = 0; i < size; i++) {
            lengths[i] = batch.get(i).length();
        }
        List<int[]> runs = LengthBuckets.plan(lengths, runCost);
        if (runs.size() == 1) {
            return embedPadded(batch, floatOutput);
        }
        float[][] vectors = new float[size][];
        for (int[] run : runs) {
            List<TokenizedText> part = new ArrayList<>(run.length);
            for (int i : run) {
                part.add(batch.get(i));
            }
            float[][] partVectors = embedPadded(part, floatOutput);
            for (int k = 0; k < run.length; k++) {
                vectors[run[k]] = partVectors[k];
            }
        }
        return vectors;
    }

    /**
     * One ONNX Runtime run of {@code batch}, padded to its longest text.
     *
     * @param pinned let ONNX Runtime write into this thread's reused buffer (float outputs of the
     *     dimension model.json states, which {@link ModelCheck} verifies first)
     */
    private float[][] embedPadded(List<TokenizedText> batch, boolean pinned) {
        int size = batch.size();
        if (size == 0) {
            return new float[0][];
        }
        int seqLen = 0;
        for (TokenizedText t : batch) {
            seqLen = Math.max(seqLen, t.length());
        }
        int cells = size * seqLen;
        int dim;
        RunBuffers buffers = this.buffers.get();
        LongBuffer ids = buffers.ids(cells);
        LongBuffer mask = buffers.mask(cells);
        for (int i = 0; i < size; i++) {
            long[] t = batch.get(i).ids();
            ids.put(t);
            for (int k = 0; k < t.length; k++) {
                mask.put(1L);
            }
            for (int k = t.length; k < seqLen; k++) {
                ids.put(0L);
                mask.put(0L);
            }
        }
        ids.flip();
        mask.flip();
        long[] shape = {size, seqLen};
        OrtEnvironment env = OrtSessions.environment();
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        OnnxTensor output = null;
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new InferenceException("the session of " + spec.name() + " is closed", null);
            }
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, ids, shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, mask, shape));
            if (needsTokenTypes) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, buffers.zeros(cells), shape));
            }
            FloatBuffer hidden;
            OrtSession.Result result;
            if (pinned) {
                // ONNX Runtime writes the token embeddings straight into this thread's buffer: no
                // per-run allocation and none of the two copies that getFloatBuffer() and a float[]
                // make (on a GPU batch of 256 x 256 tokens x 768, 200 MB each).
                dim = spec.dim();
                if ((long) cells * dim > Integer.MAX_VALUE / Float.BYTES - 8) {
                    throw new InferenceException("a batch of " + size + " texts of " + seqLen + " tokens x dim " + dim
                            + " is too large for one run: lower batch.max-size or the model's max_seq_len", null);
                }
                hidden = buffers.output(cells * dim);
                output = OnnxTensor.createTensor(env, hidden, new long[] {size, seqLen, dim});
                result = session.run(inputs, Set.of(), Map.of(spec.output(), output));
            } else {
                // float16 and other outputs: ONNX Runtime converts them while copying
                result = session.run(inputs, Set.of(spec.output()));
                OnnxTensor out = (OnnxTensor) result.get(0);
                dim = (int) out.getInfo().getShape()[2];
                hidden = out.getFloatBuffer();
            }
            try (result) {
                float[][] vectors = new float[size][];
                for (int i = 0; i < size; i++) {
                    float[] v = spec.pooling().pool(hidden, i, seqLen, dim, batch.get(i).length());
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
            if (output != null) {
                output.close();
            }
            lifecycle.readLock().unlock();
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The device this embedder actually runs on (the CPU after a GPU fallback). */
    public Device device() {
        return device;
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

    @Override
    public String toString() {
        return spec.name() + " on " + device + " (" + intraOpThreads + " intra-op thread(s), pooling "
                + spec.pooling().id() + ", max_seq_len " + spec.maxSeqLen() + ", dim " + spec.dim() + ")";
    }
}
