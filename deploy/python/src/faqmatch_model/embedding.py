"""Pooled sentence embeddings through ONNX Runtime and through PyTorch, computed as the Java side
computes them, so that the tools can prove a graph (or a rebuilt model) equal to its source."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .features import tokenizer_json_feeds
from .modeldir import MODEL_FILE, TOKENIZER_FILE

# Finance customer-service questions, plus the cases that trip tokenizers: Latin letters in
# upper case, digits, full-width punctuation, a long text, and a one-character one.
SAMPLES = [
    "提前还款是按全额计息吗",
    "花呗怎么还款",
    "借呗额度为什么突然降低了，我一直按时还款的",
    "APP里怎么修改绑定的银行卡？",
    "8千日利息400元?",
    "信用卡逾期一天会影响征信吗？我昨天忘记还了，今天一早就还上了，会不会上征信记录，以后还能不能贷款买房",
    "额",
]


def pool(hidden: np.ndarray, mask: np.ndarray, pooling: str, normalize: bool) -> np.ndarray:
    """Pooling as model.json says (float64), then L2-normalized if asked: the Java side's Pooling."""
    hidden = hidden.astype(np.float64)
    if pooling == "cls":
        pooled = hidden[:, 0]
    else:
        m = mask[:, :, None].astype(np.float64)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
    if normalize:
        pooled = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return pooled


def ort_session(onnx_path: Path, threads: int | None = None, prefer_cuda: bool = False, exact_int8: bool = True):
    """An ONNX Runtime session on the CPU (or CUDA first, where asked and available); exact_int8=False
    leaves ONNX Runtime's default int8 kernels (a plain user's session)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
    if exact_int8:
        # As the job's sessions (OrtSessions.X64_QUANT_PRECISION): int8 products exact on CPUs without VNNI
        # too, so that the int8 check sees what the job computes on any CPU. Float graphs are not affected.
        options.add_session_config_entry("session.x64quantprecision", "1")
    providers = ["CPUExecutionProvider"]
    if prefer_cuda and "CUDAExecutionProvider" in ort.get_available_providers():
        providers = ["CUDAExecutionProvider"] + providers
    return ort.InferenceSession(str(onnx_path), options, providers=providers)


def torch_hidden(model, feeds: dict[str, np.ndarray]) -> np.ndarray:
    """The BertModel's last hidden state on the feeds (no gradients)."""
    import torch

    with torch.no_grad():
        return model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).last_hidden_state.numpy()


def _batches(texts: list[str]) -> list[list[str]]:
    # The whole padded batch, then each text alone: both shapes must agree.
    return [texts] + [[t] for t in texts]


class OrtEmbedder:
    """A model directory's pooled embeddings through one ONNX Runtime session, a batch per call,
    padded to the batch's longest text."""

    def __init__(self, directory: Path, spec: dict, threads: int | None, exact_int8: bool = True):
        self.tokenizer_json = Path(directory) / TOKENIZER_FILE
        self.spec = spec
        self.session = ort_session(Path(directory) / MODEL_FILE, threads, exact_int8=exact_int8)
        # Some graphs take no token types: feed only what the graph declares.
        self.input_names = {i.name for i in self.session.get_inputs()}

    def embed(self, texts: list[str]) -> np.ndarray:
        feeds = tokenizer_json_feeds(self.tokenizer_json, self.spec, texts)
        (hidden,) = self.session.run([self.spec["output"]], {k: v for k, v in feeds.items() if k in self.input_names})
        return pool(hidden, feeds["attention_mask"], self.spec["pooling"], self.spec["normalize"])


def ort_embed(directory: Path, spec: dict, texts: list[str], threads: int) -> np.ndarray:
    """A model directory's pooled embeddings of the texts batched, then of each alone (rows concatenated)."""
    embedder = OrtEmbedder(directory, spec, threads)
    return np.concatenate([embedder.embed(batch) for batch in _batches(texts)])


def bert_embed(model, directory: Path, spec: dict, texts: list[str]) -> np.ndarray:
    """The BertModel on the same feeds as ort_embed, so that only the weights and the graph differ."""
    out = []
    for batch in _batches(texts):
        feeds = tokenizer_json_feeds(directory / TOKENIZER_FILE, spec, batch)
        out.append(pool(torch_hidden(model, feeds), feeds["attention_mask"], spec["pooling"], spec["normalize"]))
    return np.concatenate(out)
