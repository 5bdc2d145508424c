#!/usr/bin/env bash
# Runs the FAQ matcher on this machine, end to end: a Kafka broker (KRaft, loopback), the job on a
# local Flink cluster with the bundled model and the sample FAQ bank, the sample questions
# published, and each match printed as it arrives.
#
#   deploy/local.sh                         # demo with the sample questions, then stop
#   deploy/local.sh --questions my.txt      # your questions (plain text or JSON lines)
#   deploy/local.sh --stay                  # keep running for questions others publish
#   deploy/local.sh --batch.max-size 64     # any job setting (see README)
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh

ensure_built
WORK="$PWD/.local"
mkdir -p "$WORK/tmp"

cleanup() {
  STOP_TIMEOUT=20 stop_pid_file "$WORK/kafka.pid" kafka-broker
  rm -rf "$WORK/tmp" "$WORK/flink-tmp" "$WORK/kafka" "$WORK/kafka.pid"
  rmdir "$WORK" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_java -Xmx2g "${TASKMANAGER_JAVA_OPTS[@]}" -Djava.io.tmpdir="$WORK/tmp" dev.faqmatch.tools.LocalDemo --work-dir "$WORK" "$@"
