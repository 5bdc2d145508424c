"""The project's model tools as one package: a model directory (model.onnx, tokenizer.json,
model.json) is written, read, rebuilt into PyTorch, fine-tuned and exported here.

Modules, each one concern:

    modeldir       model directory I/O; the one reader and writer of model.json
    graph          the ONNX graph the Java side loads: its inputs, output, opset; export and check
    features       model inputs as the Java side builds them (tokenizer.json, token types 0)
    embedding      pooled embeddings through ONNX Runtime and PyTorch, and the sample sentences
    scoring        Spearman rank correlation, as deploy/eval.sh computes it
    split          the held-out split of FAQ paraphrases (reproduced by FaqSets.java)
    sources        the data files: pair files, FAQ banks, FILE[:N] samples, the split's files
    rebuild        a PyTorch BertModel rebuilt from an exported BERT graph
    training       sentence-transformers training: datasets, losses, evaluators, the trainer
    interpolation  weight-space interpolation (WiSE-FT)
    row_quantize   batch-independent activation quantization of an int8 graph
    faq_bank       the job's FAQ bank embedded and searched (top-k by entry) and routed, simply

and the tools (deploy/*.py run them; `python -m faqmatch_model TOOL` too):

    export_model   deploy/export-model.py     Hugging Face / sentence-transformers model -> model directory
    finetune_model deploy/finetune-model.py   fine-tune a model directory -> fp32 and int8 model directories
    row_quantize   deploy/row_quantize.py     rewrite quantize_dynamic's int8 graph
    gpu_ceiling    deploy/gpu-ceiling.py      GPU throughput of the target architecture
    kafka_peer     (python -m only)           the benchmark's Python peer: Kafka -> ONNX Runtime -> Kafka

Heavy dependencies (torch, transformers, onnx, onnxruntime, sentence-transformers, confluent_kafka) are imported
where they are used, so that the data modules (split, sources, modeldir) need numpy alone.
"""
