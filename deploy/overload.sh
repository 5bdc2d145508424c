#!/usr/bin/env bash
# Overload test: publishes at ~3x the job's measured throughput for MINUTES (default 3) against a
# real broker and a MiniCluster, then checks that nothing was lost and memory stayed bounded.
# Figures are printed and written to target/overload.json.
#   deploy/overload.sh [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
usage_if_asked "$@"
run_it OverloadIT -Doverload.minutes="${1:-3}" | grep -E "overload:|Tests run:|FAIL|BUILD"
