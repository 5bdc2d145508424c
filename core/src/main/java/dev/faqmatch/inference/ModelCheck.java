package dev.faqmatch.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks a loaded model against its model.json and tokenizer before it serves, so that a
 * mismatch stops the job at start with the field or file to fix, not with wrong answers later.
 */
final class ModelCheck {
    private ModelCheck() {}

    /**
     * @param embedOne embeds one tokenized text, returning the vector at the graph's own
     *     dimension (not the one model.json states)
     */
    static void verify(ModelSource model, OrtSession session, TextEncoder encoder,
            Function<TokenizedText, float[]> embedOne) {
        ModelSpec spec = model.spec();
        try {
            List<String> missing = new ArrayList<>();
            for (String input : List.of(Embedder.INPUT_IDS, Embedder.ATTENTION_MASK)) {
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
        } catch (OrtException e) {
            throw new ModelException("model.onnx of " + model.id() + " cannot be inspected: " + e.getMessage(), e);
        }
        // The largest id the tokenizer can produce must exist in the model's embedding table.
        long[] probe = encoder.encode("测试").ids().clone();
        probe[1] = encoder.vocabSize() - 1;
        float[] vector;
        try {
            vector = embedOne.apply(new TokenizedText(probe, false));
        } catch (RuntimeException e) {
            throw new ModelException("tokenizer.json and model.onnx of " + model.id() + " disagree: token id "
                    + probe[1] + ", the largest the tokenizer can produce, fails in the model: "
                    + OrtSessions.firstLine(e.getMessage()), e);
        }
        if (vector.length != spec.dim()) {
            throw new ModelException("model.json of " + model.id() + " says dim " + spec.dim()
                    + ", but the model produces " + vector.length + ": fix 'dim'");
        }
    }
}
