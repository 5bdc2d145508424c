#!/usr/bin/env bash
# Writes a bundled model as a model directory (model.onnx, tokenizer.json, model.json): the base
# that deploy/finetune-model.py fine-tunes, or a copy to inspect.
#
#   deploy/model-dir.sh bge-small-zh-v1.5 target/bge-small-zh-v1.5
#   deploy/model-dir.sh faqmatch-finance-zh-v1 target/finance
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh

ensure_built
run_java dev.faqmatch.tools.ModelDirWriter "$@"
