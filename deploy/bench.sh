#!/usr/bin/env bash
# The benchmark (docs/BENCHMARKS.md): in one run, on the same questions (the texts of
# ../shared/data/atec/ATEC.test.data), the model's ONNX Runtime ceiling, the inference layer,
# the whole job end to end (a real Kafka broker, the job on a local Flink cluster) and
# langchain4j's in-process model as the peer, fp32 and int8. Prints one table and writes
# target/bench/{bench.json,bench.md,throughput-vs-batch.png,latency.png,latency-over-time.png}.
# About 7 minutes on 2 cores.
#
#   deploy/bench.sh                      # the full run
#   deploy/bench.sh --quick              # a smoke run with few questions (1-2 minutes)
#   deploy/bench.sh --e2e 40000 --texts 8000 --latency-seconds 120
#   deploy/bench.sh --accuracy           # also fp32 vs int8 cosine Spearman on STS-B, ATEC, LCQMC
#   deploy/bench.sh --no-e2e --no-peer   # ceiling and inference layer only
#   deploy/bench.sh --bank-scale         # top-k cost and memory of 1k, 10k and 100k-entry FAQ banks
#                                        # vs the model's cost per question (--sizes, --batch, --top-k),
#                                        # then exact vs graph search at 100k and 1M phrasings with the
#                                        # issue-29 targets met / not met (--phrasings; about 11 minutes,
#                                        # a heap of 8 GB)
#   deploy/bench.sh --profile            # also JFR recordings of the end-to-end runs and their top frames
#   deploy/bench.sh --python-peer --int8-model default
#                                        # also the Python peer (Kafka -> ONNX Runtime in Python -> Kafka)
#                                        # on the job's int8 model, against the job's int8 run end to end
#
# --python-peer runs python -m faqmatch_model kafka-peer (deploy/python) in target/peer-venv, made on
# first use from Debian's /usr/bin/python3 with --system-site-packages and the package's peer extra:
# its Kafka client is Debian's (apt-get install -y python3-confluent-kafka; pip's mirror has none).
# PEER_PYTHON=/path/to/python uses that interpreter instead; --python-peer=PYTHON too.
# deploy/bench.sh --help lists every option (deploy/bench.sh --bank-scale --help those of the bank scale run).
#
# Measure on a quiet machine and leave it alone meanwhile: the figures are CPU-bound, and other
# work on the cores lowers them (the ratios within one run hold better than the absolute figures);
# at half load the cores are 75-85% busy, so even a short command shows in the latency tail. The
# tool logs the cores other processes used, by 2-s window, to tell such a run apart.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh

ensure_built
WORK="$PWD/target/bench/work"
rm -rf "$WORK"
mkdir -p "$WORK/tmp"
trap 'rm -rf "$WORK"' EXIT

main=dev.faqmatch.bench.Bench
heap=-Xmx2g
args=()
for arg in "$@"; do
  # The bank-scale run holds a 1,000,000-phrasing bank as float vectors, float rows and int8 rows
  # with its graph at once (~4.6 GB); it checks its heap before it starts.
  if [[ "$arg" == --bank-scale ]]; then main=dev.faqmatch.bench.BankScaleBench; heap=-Xmx8g; fi
  if [[ "$arg" == --python-peer ]]; then
    arg="--python-peer=$(kafka_python_env target/peer-venv peer "${PEER_PYTHON:-}")"
  fi
  args+=("$arg")
done
# The JVM runs with the TaskManagers' options (the Vector API's kernels). BENCH_JAVA_OPTS: extra JVM
# options, later ones win, e.g. -XX:StartFlightRecording=filename=target/bench/e2e.jfr or -Xmx16g
# shellcheck disable=SC2086
run_java "$heap" "${TASKMANAGER_JAVA_OPTS[@]}" ${BENCH_JAVA_OPTS:-} -Djava.awt.headless=true -Djava.io.tmpdir="$WORK/tmp" "$main" "${args[@]}"
