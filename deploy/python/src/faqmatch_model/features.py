"""Model inputs as the Java side builds them: a padded batch, lower-cased first where model.json
says so, truncated at its max_seq_len, token types all 0 (single texts)."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

# BERT's special tokens, as every BERT-Chinese tokenizer.json names them.
SPECIAL_TOKENS = dict(unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]")


def model_inputs(input_ids, attention_mask) -> dict[str, np.ndarray]:
    """The three int64 inputs of the graph; token types are all 0 for single texts."""
    ids = np.asarray(input_ids).astype(np.int64)
    return {"input_ids": ids, "attention_mask": np.asarray(attention_mask).astype(np.int64),
            "token_type_ids": np.zeros_like(ids)}


def _texts(spec: dict, texts: list[str]) -> list[str]:
    return [t.lower() for t in texts] if spec.get("lowercase") else list(texts)


def hf_feeds(tokenizer, spec: dict, texts: list[str]) -> dict[str, np.ndarray]:
    """A batch through a transformers tokenizer (a Hugging Face model's own)."""
    encoding = tokenizer(_texts(spec, texts), padding=True, truncation=True, max_length=spec["max_seq_len"],
                         return_tensors="np")
    return model_inputs(encoding["input_ids"], encoding["attention_mask"])


@functools.lru_cache(maxsize=4)
def _java_like_tokenizer(tokenizer_json: str, max_len: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(tokenizer_json)
    tok.enable_truncation(max_len)
    tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0)
    return tok


def tokenizer_json_feeds(tokenizer_json: Path, spec: dict, texts: list[str]) -> dict[str, np.ndarray]:
    """A batch through a model directory's tokenizer.json as it is, as the Java side reads it."""
    encodings = _java_like_tokenizer(str(tokenizer_json), spec["max_seq_len"]).encode_batch(_texts(spec, texts))
    return model_inputs([e.ids for e in encodings], [e.attention_mask for e in encodings])


def bert_tokenizer(backend, max_len: int):
    """A transformers tokenizer around a tokenizers.Tokenizer with BERT's special tokens."""
    from transformers import PreTrainedTokenizerFast

    # Built from the tokenizers object rather than a vocab.txt: the vocabulary argument of
    # BertTokenizerFast changed its name in transformers 5 and is ignored under the old one.
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=max_len, **SPECIAL_TOKENS)
