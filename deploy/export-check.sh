#!/usr/bin/env bash
# Tests deploy/export-model.py end to end (ExportedModelIT): exports a randomly initialised BERT of
# the finance target's shape, then checks that the job's inference code scores it as PyTorch does.
# Needs Python 3.11 and deploy/python with its export extra, which it installs into
# target/export-venv unless PYTHON names an interpreter that has them. CI does not run this.
#   deploy/export-check.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
usage_if_asked "$@"
python=$(python_env target/export-venv export "${1:-}")
run_it ExportedModelIT -Dexport.python="$python" | grep -E "^(model|pooling|graph|ONNX Runtime|max abs|wrote|PyTorch|\||lcqmc)|Tests run:|FAIL|BUILD"
