"""The weights round trip: a BERT exported by the package, rebuilt from its ONNX graph, is the same
model (the path an ONNX-only base takes before fine-tuning). A tiny random BERT keeps it to seconds."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="needs torch (pip install -e 'deploy/python[export,test]')")
pytest.importorskip("transformers", reason="needs transformers (the export extra)")
pytest.importorskip("onnxruntime", reason="needs onnxruntime (the export extra)")

from faqmatch_model.embedding import SAMPLES, bert_embed, ort_embed  # noqa: E402
from faqmatch_model.errors import InputError  # noqa: E402
from faqmatch_model.features import tokenizer_json_feeds  # noqa: E402
from faqmatch_model.graph import check_graph, export_onnx  # noqa: E402
from faqmatch_model.modeldir import model_spec, read_spec, write_spec  # noqa: E402
from faqmatch_model.rebuild import onnx_weights, rebuild_from_onnx  # noqa: E402

HEADS = 4  # not the first head count rebuild tries (8 also divides 32): the search must find it
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def tiny_tokenizer():
    """A BERT-Chinese-style tokenizer (per-character CJK, lower case) over the samples' characters."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    chars = sorted({c for text in SAMPLES for c in text.lower()} - {" "})
    vocab = {token: i for i, token in enumerate(SPECIAL + chars)}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(handle_chinese_chars=True, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]",
                                                       special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return tok


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(BertModel, its model directory) for a 2-layer, hidden-32 random BERT."""
    from transformers import BertConfig, BertModel

    directory = tmp_path_factory.mktemp("tiny")
    tokenizer = tiny_tokenizer()
    tokenizer.save(str(directory / "tokenizer.json"))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=tokenizer.get_vocab_size(), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=HEADS, intermediate_size=64, max_position_embeddings=128,
                        attn_implementation="eager")
    model = BertModel(config, add_pooling_layer=False).eval()
    # A fresh BertModel's biases are all zero and its LayerNorm weights all one: the exporter would
    # share one initializer between equal tensors, which no trained model has; and its small weights
    # make attention nearly uniform, so that a wrong head count would pass. Perturbed, every weight
    # is its own, and the head count matters, as in a trained base.
    with torch.no_grad():
        for weights in model.parameters():
            weights.add_(0.3 * torch.randn_like(weights))
    spec = model_spec("tiny", "mean", True, 128, 32, False)
    write_spec(directory, spec)
    export_onnx(model, tokenizer_json_feeds(directory / "tokenizer.json", spec, SAMPLES[:2]), directory / "model.onnx")
    return model, directory


def test_the_graph_has_the_project_signature(exported):
    _, directory = exported
    assert check_graph(directory / "model.onnx").startswith(
        "graph: inputs ['input_ids', 'attention_mask', 'token_type_ids'], output last_hidden_state, opset 14")


def test_a_graph_without_token_types_is_refused(exported, tmp_path):
    model, directory = exported
    feeds = tokenizer_json_feeds(directory / "tokenizer.json", read_spec(directory), SAMPLES[:2])
    del feeds["token_type_ids"]
    export_onnx(model, feeds, tmp_path / "two.onnx")
    with pytest.raises(InputError, match="unexpected graph signature"):
        check_graph(tmp_path / "two.onnx")


def test_the_graph_holds_every_weight_of_the_model(exported):
    model, directory = exported
    state = onnx_weights(directory / "model.onnx")
    expected = {k: v.numpy() for k, v in model.state_dict().items() if not k.endswith("position_ids")}
    assert sorted(state) == sorted(expected)
    for name, weights in expected.items():
        assert np.array_equal(state[name], weights), name


def test_the_rebuilt_model_computes_what_onnx_runtime_does(exported, capsys):
    model, directory = exported
    rebuilt, spec = rebuild_from_onnx(directory, threads=1)
    assert "rebuilt BertModel" in capsys.readouterr().out
    assert rebuilt.config.num_attention_heads == HEADS
    assert rebuilt.config.num_hidden_layers == 2 and rebuilt.config.intermediate_size == 64
    ours = bert_embed(rebuilt, directory, spec, SAMPLES)
    assert np.abs(ours - bert_embed(model, directory, spec, SAMPLES)).max() == 0
    assert np.abs(ours - ort_embed(directory, spec, SAMPLES, threads=1)).max() < 1e-5
