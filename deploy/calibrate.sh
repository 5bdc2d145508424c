#!/usr/bin/env bash
# Calibrates the routing thresholds on labelled questions: the answer route's precision / coverage
# table over min-score and clarify-margin, the thresholds that reach --target-precision (default
# 0.95) with the most coverage as YAML to paste, the entries the model confuses, the questions it
# got wrong, and the curve as a PNG. See README ("Calibrating the routing").
#
#   deploy/calibrate.sh --questions labelled.jsonl                      # the sample bank, the default model
#   deploy/calibrate.sh --bank my-cards.jsonl --questions cards-traffic.jsonl --tenant cards
#   deploy/calibrate.sh --questions q.jsonl --model-dir models/finance --target-precision 0.98 --out /tmp/cal
# Question file: JSON lines {"id": "q-1", "text": "...", "expected_faq_id": "f-12"}, null where no entry answers it.
# deploy/calibrate.sh --help lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh

ensure_built
# ONNX Runtime unpacks its native library under java.io.tmpdir and leaves a folder behind.
tmp=$(mktemp -d "$PWD/target/calibrate-tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run_java -Xmx3g "${TASKMANAGER_JAVA_OPTS[@]}" -Djava.awt.headless=true -Djava.io.tmpdir="$tmp" dev.faqmatch.calibrate.Calibrate "$@"
