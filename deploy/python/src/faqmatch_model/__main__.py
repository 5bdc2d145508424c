"""python -m faqmatch_model TOOL [options]: the same tools as deploy/*.py, and the benchmark's Kafka peer
(TOOL --help for each)."""

import importlib
import sys

TOOLS = {
    "export": "export_model",          # deploy/export-model.py
    "finetune": "finetune_model",      # deploy/finetune-model.py
    "row-quantize": "row_quantize",    # deploy/row_quantize.py
    "gpu-ceiling": "gpu_ceiling",      # deploy/gpu-ceiling.py
    "kafka-peer": "kafka_peer",        # deploy/bench.sh --python-peer
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in TOOLS:
        print(f"usage: python -m faqmatch_model {{{','.join(TOOLS)}}} [options]", file=sys.stderr)
        return 2
    tool = sys.argv[1]
    # Imported on demand: each tool needs only its own dependencies (gpu-ceiling no onnxruntime, finetune
    # no torch before it trains).
    module = importlib.import_module(f"faqmatch_model.{TOOLS[tool]}")
    sys.argv[0] = f"python -m faqmatch_model {tool}"  # argparse's prog in usage lines
    return module.main(sys.argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main())
