"""GPU ceiling of the target architecture (docs/BENCHMARKS.md, "GPU"): a BERT encoder shaped like
DMetaSoul/sbert-chinese-qmc-finance-v1-distill (4 layers, hidden 768, 12 heads, vocabulary 21,128)
with random weights (speed does not depend on them), fp32 and fp16, batch 16/64/256, sequence 32
and 256, through PyTorch and, when onnxruntime-gpu is installed, ONNX Runtime's CUDA provider.

    python3 deploy/gpu-ceiling.py [--iters 30] [--json out.json]
    python3 deploy/gpu-ceiling.py --device cpu --iters 1 --batches 2 --seqs 8   # smoke test, no GPU

Needs torch with CUDA and transformers; onnx + onnxruntime-gpu for the ONNX Runtime rows. Prints a
Markdown table (sentences/s and ms per batch) to paste beside the seed model card's figure
(V100, batch 16, max_seq_len 256: 791 sentences/s, 20 ms).
"""
import argparse
import json
import os
import tempfile
import time

import torch
from transformers import BertConfig, BertModel

from .graph import export_onnx
from .target import TARGET_SHAPE

BATCHES = (16, 64, 256)
SEQS = (32, 256)
# The ceiling's ONNX graphs take the two inputs it feeds (no token types) at opset 17: kept as they
# were, so that new figures compare with earlier ones.
ONNX_OPSET = 17


def model(dtype, device):
    config = BertConfig(**TARGET_SHAPE, attn_implementation="eager")
    torch.manual_seed(0)
    return BertModel(config, add_pooling_layer=False).eval().to(device, dtype=dtype)


def inputs(batch, seq, device):
    ids = torch.randint(1000, TARGET_SHAPE["vocab_size"], (batch, seq), device=device)
    return ids, torch.ones_like(ids)


def synchronize(device):
    if device == "cuda":
        torch.cuda.synchronize()


def time_torch(m, batch, seq, iters, device):
    ids, mask = inputs(batch, seq, device)
    with torch.inference_mode():
        for _ in range(5):
            m(input_ids=ids, attention_mask=mask)
        synchronize(device)
        start = time.perf_counter()
        for _ in range(iters):
            m(input_ids=ids, attention_mask=mask)
        synchronize(device)
    return (time.perf_counter() - start) / iters


def time_ort(m, dtype, batch, seq, iters, folder, device):
    import onnxruntime as ort
    provider = "CUDAExecutionProvider" if device == "cuda" else "CPUExecutionProvider"
    path = os.path.join(folder, f"bert-{str(dtype).split('.')[-1]}.onnx")
    if not os.path.exists(path):
        ids, mask = inputs(2, 16, device)
        # The TorchScript exporter, as deploy/export-model.py uses (tested there).
        export_onnx(m, {"input_ids": ids, "attention_mask": mask}, path, opset=ONNX_OPSET)
    session = ort.InferenceSession(path, providers=[provider])
    if provider not in session.get_providers():
        raise RuntimeError(f"onnxruntime has no {provider} here: {session.get_providers()}")
    ids, mask = inputs(batch, seq, device)
    feed = {"input_ids": ids.cpu().numpy(), "attention_mask": mask.cpu().numpy()}
    for _ in range(5):
        session.run(["last_hidden_state"], feed)
    start = time.perf_counter()
    for _ in range(iters):
        session.run(["last_hidden_state"], feed)  # includes host<->device copies, as the Java job's runs do
    return (time.perf_counter() - start) / iters


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--iters", type=int, default=30)
    parser.add_argument("--json")
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--batches", type=lambda v: [int(x) for x in v.split(",")], default=list(BATCHES))
    parser.add_argument("--seqs", type=lambda v: [int(x) for x in v.split(",")], default=list(SEQS))
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("no CUDA device visible to torch; --device cpu runs the script on the CPU (a smoke test)")
    try:
        import onnxruntime  # noqa: F401
        with_ort = True
    except ImportError:
        with_ort = False
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for dtype in (torch.float32, torch.float16):
            m = model(dtype, args.device)
            for seq in args.seqs:
                for batch in args.batches:
                    engines = [("PyTorch", lambda: time_torch(m, batch, seq, args.iters, args.device))]
                    if with_ort:
                        engines.append((f"ONNX Runtime {args.device.upper()}",
                                        lambda: time_ort(m, dtype, batch, seq, args.iters, folder, args.device)))
                    for engine, run in engines:
                        try:
                            seconds = run()
                        except Exception as e:  # e.g. out of memory, no CUDA provider
                            rows.append({"engine": engine, "dtype": str(dtype).split(".")[-1], "seq": seq,
                                         "batch": batch, "error": str(e).splitlines()[0]})
                            continue
                        rows.append({"engine": engine, "dtype": str(dtype).split(".")[-1], "seq": seq, "batch": batch,
                                     "sentences_per_s": round(batch / seconds, 1), "ms_per_batch": round(1000 * seconds, 2)})
            del m
            if args.device == "cuda":
                torch.cuda.empty_cache()
    where = torch.cuda.get_device_name(0) if args.device == "cuda" else f"CPU ({os.cpu_count()} cores)"
    print(f"device: {where}, torch {torch.__version__}")
    print("| engine | dtype | seq | batch | sentences/s | ms per batch |\n|---|---|---:|---:|---:|---:|")
    for r in rows:
        if "error" in r:
            print(f"| {r['engine']} | {r['dtype']} | {r['seq']} | {r['batch']} | - | {r['error']} |")
        else:
            print(f"| {r['engine']} | {r['dtype']} | {r['seq']} | {r['batch']} | {r['sentences_per_s']} | {r['ms_per_batch']} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": where, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
