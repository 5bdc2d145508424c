#!/usr/bin/env bash
# Tests deploy/finetune-model.py end to end (FinetunedModelIT, about 5 min on 2 cores): writes the
# bundled bge-small-zh-v1.5 as a model directory, then
#  1. the tool rebuilds the PyTorch BERT from the ONNX graph (ONNX Runtime's pooled embeddings
#     within 1e-4), and its PyTorch Spearman on the first ATEC test pairs equals the job's;
#  2. fine-tunes it for 6 steps on a few pairs of each kind (CoSENT, MNRL, FAQ) and writes fp32 and
#     int8 directories, which the job's inference code must score as PyTorch did (fp32 within
#     0.01, int8 within 1.0);
#  3. runs the same command again and requires the same trained model (the seed);
#  4. trains a second round (--keep-unmined) on the first round's fp32 directory, which must rebuild
#     and start from the first round's score; the tool must warn when its best checkpoint is
#     below the base.
# Needs Python 3.11 and deploy/python with its finetune extra, which it installs into
# target/finetune-venv unless PYTHON names an interpreter that has them, and ../shared/data.
# CI does not run this (it cannot install torch).
#   deploy/finetune-check.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
usage_if_asked "$@"
python=$(python_env target/finetune-venv finetune "${1:-}")
run_it FinetunedModelIT -Dfinetune.python="$python" \
  | grep -E "^(rebuilt|max abs|base model|trained|fp32|int8|done|warning|  (pairs|positives|faq) |    mined|job.s inference)|Tests run:|FAIL|BUILD"
