#!/usr/bin/env bash
# Scores a model on sentence-pair files through the job's own inference code: cosine Spearman x100
# (as C-MTEB publishes it), Pearson, dot/Euclidean/Manhattan Spearman, and with --retrieval the
# FAQ-retrieval figures (recall@1, recall@5, MRR@10). See docs/ACCURACY.md.
#
#   deploy/eval.sh                                   # the four public test sets in ../shared/data, with --retrieval
#   deploy/eval.sh --json out.json my-pairs.tsv      # your files: text1<TAB>text2<TAB>label, or CLUE JSON lines
#   deploy/eval.sh --model-dir models/finance ../shared/data/atec/ATEC.test.data
#   deploy/eval.sh --limit 500 ../shared/data/lcqmc/LCQMC.test.data   # a quick look
# deploy/eval.sh --help lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh

ensure_built
# ONNX Runtime unpacks its native library under java.io.tmpdir and leaves a folder behind.
tmp=$(mktemp -d "$PWD/target/eval-tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run_java -Xmx3g "${TASKMANAGER_JAVA_OPTS[@]}" -Djava.io.tmpdir="$tmp" dev.faqmatch.eval.Evaluate "$@"
