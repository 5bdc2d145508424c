"""The ONNX graph the Java side loads: its signature, its export from PyTorch, and its check.

    inputs   input_ids, attention_mask, token_type_ids (int64, [batch, sequence])
    output   last_hidden_state ([batch, sequence, dim], float32)

batch and sequence dynamic. The pooling is the Java side's, from model.json, not the graph's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import InputError

INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
OUTPUT = "last_hidden_state"
OPSET = 14
# The largest difference of pooled embeddings an export may show, ONNX Runtime against PyTorch fp32.
EXPORT_TOLERANCE = {"fp32": 1e-4, "fp16": 1e-2}


def _last_hidden_state(model):
    """The encoder with one tensor output, so that the graph's output has the name the project expects."""
    import torch

    class LastHiddenState(torch.nn.Module):
        def __init__(self):
            super().__init__()
            # "model": the exported initializers are named model.embeddings..., which rebuild.onnx_weights strips.
            self.model = model

        # token_type_ids optional: the GPU ceiling's graphs take the two other inputs alone.
        def forward(self, input_ids, attention_mask, token_type_ids=None):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    return LastHiddenState()


def export_onnx(model, feeds: dict, path: Path, opset: int = OPSET) -> None:
    """Exports `model` (a BertModel) traced on `feeds` (input name -> int64 array or tensor, in the
    graph's input order) with the TorchScript exporter, batch and sequence axes dynamic. Trace on a
    padded batch of different lengths, so that nothing is specialised to one shape or to a full mask."""
    import torch

    names = list(feeds)
    args = tuple(torch.from_numpy(v) if isinstance(v, np.ndarray) else v for v in feeds.values())
    dynamic = {0: "batch", 1: "sequence"}
    model.eval()
    # eval() on the wrapper too: the exporter puts back the training flag of the module it is given,
    # and a new Module's is True, which would leave the encoder's dropout on afterwards.
    with torch.no_grad():
        torch.onnx.export(_last_hidden_state(model).eval(), args, str(path),
                          input_names=names, output_names=[OUTPUT],
                          dynamic_axes={name: dynamic for name in names + [OUTPUT]},
                          opset_version=opset, do_constant_folding=True, dynamo=False)


def check_graph(path: Path) -> str:
    """Fails (InputError) unless the graph is valid ONNX with the project's signature and dynamic
    batch and sequence axes; returns a line that says what it checked."""
    import onnx

    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    if inputs != INPUTS or outputs != [OUTPUT]:
        raise InputError(f"unexpected graph signature: inputs {inputs}, outputs {outputs}")
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if not (dims[0].dim_param and dims[1].dim_param):
            raise InputError(f"{value.name} has a fixed batch or sequence axis: {dims}")
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    return f"graph: inputs {inputs}, output {OUTPUT}, opset {opset}, batch and sequence axes dynamic"
