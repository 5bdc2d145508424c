"""Model directory I/O: the one place that reads and writes model.json.

A model directory is what the job's model.dir loads (README "Models"):

    model.onnx      the graph (see graph.py)
    tokenizer.json  the model's fast tokenizer (Hugging Face format)
    model.json      name, pooling, normalize, max_seq_len, output, dim, lowercase
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .errors import InputError
from .graph import OUTPUT

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
SPEC_FILE = "model.json"
POOLINGS = ("mean", "cls")


def model_spec(name: str, pooling: str, normalize: bool, max_seq_len: int, dim: int, lowercase: bool) -> dict:
    """model.json's content, in the order both tools have always written it."""
    if pooling not in POOLINGS:
        raise InputError(f"pooling '{pooling}' is neither mean nor cls")
    return {"name": name, "pooling": pooling, "normalize": bool(normalize), "max_seq_len": int(max_seq_len),
            "output": OUTPUT, "dim": int(dim), "lowercase": bool(lowercase)}


def write_spec(directory: Path, spec: dict) -> None:
    """Writes model.json (UTF-8, indented, non-ASCII names as they are)."""
    (Path(directory) / SPEC_FILE).write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_spec(directory: Path) -> dict:
    """model.json of a complete model directory, checked, with the Java side's defaults filled in."""
    directory = Path(directory)
    for name in (MODEL_FILE, TOKENIZER_FILE, SPEC_FILE):
        if not (directory / name).is_file():
            raise InputError(f"{directory}: no {name} (a model directory holds {MODEL_FILE}, {TOKENIZER_FILE}, "
                             f"{SPEC_FILE})")
    try:
        spec = json.loads((directory / SPEC_FILE).read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(f"{directory}/{SPEC_FILE}: not JSON ({e.msg})") from None
    for key in ("pooling", "max_seq_len"):
        if key not in spec:
            raise InputError(f"{directory}/{SPEC_FILE}: no '{key}'")
    if spec["pooling"] not in POOLINGS:
        raise InputError(f"{directory}/{SPEC_FILE}: pooling '{spec['pooling']}' is neither mean nor cls")
    spec.setdefault("normalize", True)
    spec.setdefault("output", OUTPUT)
    spec.setdefault("lowercase", False)
    return spec


def has_graph(path: str | Path) -> bool:
    """Whether `path` is a directory with a model.onnx: a model directory (complete or not), not a PyTorch model."""
    return (Path(path) / MODEL_FILE).is_file()


def write_model_dir(out: Path, spec: dict, tokenizer_json: Path, onnx_src: Path) -> None:
    """A complete model directory: the graph and tokenizer copied in, model.json written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(onnx_src, out / MODEL_FILE)
    shutil.copyfile(tokenizer_json, out / TOKENIZER_FILE)
    write_spec(out, spec)
