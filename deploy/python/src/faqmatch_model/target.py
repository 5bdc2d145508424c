"""The model the project targets: the default of the export tool, and the shape of the random
BERT that stands in for it where the hub cannot be reached (--random-init, the GPU ceiling)."""

DEFAULT_MODEL = "DMetaSoul/sbert-chinese-qmc-finance-v1-distill"

# DEFAULT_MODEL's architecture: a 4-layer BERT, hidden 768, with the BERT-Chinese vocabulary.
TARGET_SHAPE = dict(vocab_size=21128, hidden_size=768, num_hidden_layers=4, num_attention_heads=12,
                    intermediate_size=3072, max_position_embeddings=512, type_vocab_size=2)
