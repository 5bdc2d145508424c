"""A PyTorch BertModel rebuilt from an exported BERT graph (an ONNX-only model directory such as
the bundled bge-small-zh-v1.5), so that it can be fine-tuned.

The graph's initializers hold the weights under their Hugging Face names (embeddings, biases,
LayerNorms); each Linear's weight is the MatMul initializer before its bias Add, transposed. The
head count is not in the graph: the one whose model reproduces ONNX Runtime is taken, and the
rebuild must agree with ONNX Runtime within REBUILD_TOLERANCE before anything trains on it.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from .embedding import SAMPLES, bert_embed, ort_embed
from .errors import InputError
from .modeldir import MODEL_FILE, read_spec

REBUILD_TOLERANCE = 1e-4
# Head counts tried, the usual ones first; only those that divide the hidden size.
HEAD_COUNTS = (12, 8, 16, 4, 6, 2, 1, 24, 32)
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


def onnx_weights(onnx_path: Path) -> dict[str, np.ndarray]:
    """The BertModel state dict held by an exported BERT graph's initializers."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(onnx_path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    # A wrapped model's export prefixes every name with the wrapper's attribute ("model." in this package's
    # own output, "bert." in a BertFor* head's): the prefix of the word embeddings is stripped from all.
    word = [n for n in inits if n.endswith(WORD_EMBEDDINGS)]
    prefix = word[0][:-len(WORD_EMBEDDINGS)] if len(word) == 1 else ""
    state = {name[len(prefix):]: array for name, array in inits.items()
             if not name.startswith("onnx::") and name.startswith(prefix)}
    consumers = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)
    # A Linear became MatMul(x, W^T) then Add(bias): the bias's HF name names the weight.
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        weights = [name for name in node.input if name in inits]
        if not weights:
            continue
        bias = [name[len(prefix):] for add in consumers[node.output[0]] if add.op_type == "Add"
                for name in add.input if name in inits and name.endswith(".bias")]
        if len(weights) != 1 or len(bias) != 1:
            raise InputError(f"{onnx_path}: MatMul {node.name} has no single bias Add after it; not a BERT export "
                             "this tool can rebuild")
        state[bias[0][:-len(".bias")] + ".weight"] = inits[weights[0]].T.copy()
    return state


def bert_config_from_weights(state: dict[str, np.ndarray], heads: int):
    """The BertConfig the weights' shapes imply (the head count given: the weights do not say it)."""
    from transformers import BertConfig

    if WORD_EMBEDDINGS not in state:
        raise InputError(f"the graph has no initializer {WORD_EMBEDDINGS}: not a BERT export")
    vocab, hidden = state[WORD_EMBEDDINGS].shape
    layers = 1 + max(int(k.split(".")[2]) for k in state if k.startswith("encoder.layer."))
    return BertConfig(vocab_size=vocab, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                      intermediate_size=state["encoder.layer.0.intermediate.dense.bias"].shape[0],
                      max_position_embeddings=state["embeddings.position_embeddings.weight"].shape[0],
                      type_vocab_size=state["embeddings.token_type_embeddings.weight"].shape[0],
                      hidden_act="gelu", layer_norm_eps=1e-12, attn_implementation="eager")


def load_bert(state: dict[str, np.ndarray], heads: int):
    """A BertModel (no pooler) holding exactly these weights, in eval mode."""
    import torch
    from transformers import BertModel

    model = BertModel(bert_config_from_weights(state, heads), add_pooling_layer=False)
    missing, unexpected = model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise InputError(f"the graph's weights do not fill a BertModel: missing {missing[:5]}, "
                         f"unexpected {unexpected[:5]}")
    return model.eval()


def rebuild_from_onnx(directory: Path, threads: int):
    """(BertModel, model.json) of an ONNX model directory, with the head count that reproduces ONNX Runtime."""
    spec = read_spec(directory)
    state = onnx_weights(directory / MODEL_FILE)
    hidden = state[WORD_EMBEDDINGS].shape[1]
    reference = ort_embed(directory, spec, SAMPLES, threads)
    best = None
    for heads in [h for h in HEAD_COUNTS if hidden % h == 0]:
        model = load_bert(state, heads)
        diff = float(np.abs(bert_embed(model, directory, spec, SAMPLES) - reference).max())
        if best is None or diff < best[1]:
            best = (model, diff, heads)
        if diff <= REBUILD_TOLERANCE:
            break
    model, diff, heads = best
    print(f"rebuilt BertModel from {directory}/{MODEL_FILE}: {model.config.num_hidden_layers} layers, hidden {hidden}, "
          f"{heads} heads, intermediate {model.config.intermediate_size}, vocabulary {model.config.vocab_size}")
    print(f"max abs difference of pooled embeddings, rebuilt PyTorch vs ONNX Runtime: {diff:.3e} "
          f"(limit {REBUILD_TOLERANCE:.0e})")
    if not diff <= REBUILD_TOLERANCE:
        raise InputError(f"the rebuilt model disagrees with {directory}/{MODEL_FILE} by {diff:.3e}")
    return model, spec
