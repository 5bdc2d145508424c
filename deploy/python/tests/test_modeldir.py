"""model.json: written and read in one place, in the form the Java side reads."""

import json

import pytest

from faqmatch_model.errors import InputError
from faqmatch_model.modeldir import has_graph, model_spec, read_spec, write_model_dir, write_spec


def test_the_spec_has_the_fields_and_order_both_tools_write():
    spec = model_spec("金融-v1", "cls", 1, 512.0, 768, 0)
    assert list(spec.items()) == [("name", "金融-v1"), ("pooling", "cls"), ("normalize", True), ("max_seq_len", 512),
                                  ("output", "last_hidden_state"), ("dim", 768), ("lowercase", False)]
    assert isinstance(spec["max_seq_len"], int)
    with pytest.raises(InputError, match="neither mean nor cls"):
        model_spec("x", "max", True, 512, 768, False)


def test_write_and_read_back(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "g.onnx").write_bytes(b"graph")
    (src / "t.json").write_text("{}", encoding="utf-8")
    spec = model_spec("金融-v1", "mean", True, 256, 512, True)
    write_model_dir(tmp_path / "out", spec, src / "t.json", src / "g.onnx")
    text = (tmp_path / "out" / "model.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and "金融-v1" in text  # UTF-8 as it is, not \u escapes
    assert read_spec(tmp_path / "out") == spec
    assert (tmp_path / "out" / "model.onnx").read_bytes() == b"graph"
    assert has_graph(tmp_path / "out") and not has_graph(src)


def test_read_fills_in_the_java_defaults(tmp_path):
    for name in ("model.onnx", "tokenizer.json"):
        (tmp_path / name).write_text("", encoding="utf-8")
    write_spec(tmp_path, {"pooling": "cls", "max_seq_len": 512})
    assert read_spec(tmp_path) == {"pooling": "cls", "max_seq_len": 512, "normalize": True,
                                   "output": "last_hidden_state", "lowercase": False}


@pytest.mark.parametrize("files,spec,message", [
    (("model.onnx",), {"pooling": "cls", "max_seq_len": 8}, "no tokenizer.json"),
    (("model.onnx", "tokenizer.json"), None, "no model.json"),
    (("model.onnx", "tokenizer.json"), "{", "not JSON"),
    (("model.onnx", "tokenizer.json"), {"pooling": "cls"}, "no 'max_seq_len'"),
    (("model.onnx", "tokenizer.json"), {"pooling": "max", "max_seq_len": 8}, "pooling 'max' is neither mean nor cls"),
])
def test_read_refuses(tmp_path, files, spec, message):
    for name in files:
        (tmp_path / name).write_text("", encoding="utf-8")
    if spec is not None:
        (tmp_path / "model.json").write_text(spec if isinstance(spec, str) else json.dumps(spec), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_spec(tmp_path)
