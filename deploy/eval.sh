#!/usr/bin/env bash
# Scores a model on sentence-pair files through the job's own inference code: cosine Spearman x100
# (as C-MTEB publishes it), Pearson, dot/Euclidean/Manhattan Spearman, and with --retrieval the
# FAQ-retrieval figures (recall@1, recall@5, MRR@10). See docs/ACCURACY.md.
#
#   deploy/eval.sh                                   # the four public test sets in ../shared/data, with --retrieval
#   deploy/eval.sh --json out.json my-pairs.tsv      # your files: text1<TAB>text2<TAB>label, or CLUE JSON lines
#   deploy/eval.sh --model-dir models/finance ../shared/data/atec/ATEC.test.data
#   deploy/eval.sh --limit 500 ../shared/data/lcqmc/LCQMC.test.data   # a quick look
# Options: --model-dir DIR, --model NAME (a bundled model), --threads N, --sessions N, --batch N, --retrieval, --limit N, --json FILE,
# --misses FILE (with --retrieval: the queries whose first result is not a hit, as JSON lines).
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
source deploy/common.sh

# Paths given relative to the caller's directory must survive the cd above.
absolute() { if [[ "$1" == /* ]]; then printf '%s' "$1"; else printf '%s/%s' "$caller" "$1"; fi; }

args=()
files=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model-dir|--json|--misses)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      args+=("$1" "$(absolute "$2")"); shift 2 ;;
    --model|--threads|--sessions|--batch|--limit)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      args+=("$1" "$2"); shift 2 ;;
    --*) args+=("$1"); shift ;;
    *) args+=("$(absolute "$1")"); files=$((files + 1)); shift ;;
  esac
done
if [[ $files -eq 0 ]]; then
  data=../shared/data
  for f in lcqmc/LCQMC.test.data atec/ATEC.test.data pawsx/PAWSX.test.data stsb_zh/STS-B.test.data; do
    if [[ ! -f "$data/$f" ]]; then
      die "no pair files given, and the default test set $data/$f is absent (see ../shared/data/README.md)"
    fi
    args+=("$data/$f")
  done
  [[ " ${args[*]} " == *" --retrieval "* ]] || args+=(--retrieval)
fi

ensure_built
# ONNX Runtime unpacks its native library under java.io.tmpdir and leaves a folder behind.
tmp=$(mktemp -d "$PWD/target/eval-tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run_java -Xmx3g -Djava.io.tmpdir="$tmp" dev.faqmatch.eval.Evaluate "${args[@]}"
