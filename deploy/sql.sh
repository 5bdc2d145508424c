#!/usr/bin/env bash
# Flink SQL on the project's standalone cluster: Flink's own SQL client runs a script through
# Flink's SQL gateway, with the faq-matcher model provider (the job jar, added with ADD JAR).
#
#   deploy/sql.sh [SCRIPT]   # default flink-conf/sql/faq-matcher.sql: questions -> ML_PREDICT -> faq-matches-sql
#   deploy/sql.sh stop       # stops the SQL gateway (deploy/cluster.sh stop stops it too)
#
# It starts what is not running yet: the broker (deploy/kafka.sh), the cluster (deploy/cluster.sh)
# and the SQL gateway (deploy/cluster.sh sql-gateway). The script's brokers, localhost:9092, become
# BOOTSTRAP (default 127.0.0.1:19092, the broker of deploy/kafka.sh). Then publish questions with
#   deploy/kafka-console.sh produce questions          ({"id": "q-1", "text": "怎么提前还款"} per line)
# and read the matches with
#   deploy/kafka-console.sh consume faq-matches-sql
#
# Flink's SQL client 2.2.1 is not served by Maven Central: the client is 2.2.0 (target/sql-client),
# the gateway, planner and cluster 2.2.1; the client speaks to the gateway over its REST API.
# Environment: BOOTSTRAP, CLUSTER_DIR, SQL_GATEWAY_PORT (default 8083), FAQ_MATCHER_NO_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
BOOTSTRAP=${BOOTSTRAP:-$LOCAL_BOOTSTRAP}
CLUSTER_DIR=$(realpath -m "${CLUSTER_DIR:-.cluster}")
SQL_GATEWAY_PORT=${SQL_GATEWAY_PORT:-8083}
export CLUSTER_DIR SQL_GATEWAY_PORT

usage_if_asked "$@"
case "${1:-}" in
  stop)
    stop_pid_file "$CLUSTER_DIR/sql-gateway.pid" sql-gateway
    exit 0 ;;
esac
SCRIPT=${1:-flink-conf/sql/faq-matcher.sql}
[[ -f "$SCRIPT" ]] || die "no SQL script $SCRIPT"

if [[ "${FAQ_MATCHER_NO_BUILD:-}" != 1 ]]; then ensure_built; fi
export FAQ_MATCHER_NO_BUILD=1
if [[ "$BOOTSTRAP" == "$LOCAL_BOOTSTRAP" ]]; then
  deploy/kafka.sh status 2>/dev/null | grep -q ' ready on ' || deploy/kafka.sh start
  deploy/kafka.sh create-topic faq-matches-sql 2 > /dev/null 2>&1 || true
fi
pid_alive "$CLUSTER_DIR/jobmanager.pid" || deploy/cluster.sh start
deploy/cluster.sh sql-gateway

JAR=$(ls "$PWD"/target/faq-matcher-*.jar 2>/dev/null | grep -v -e original- -e -tests | head -1 || true)
[[ -n "$JAR" ]] || die "no job jar in target/: run mvn -B -DskipTests package"
RUN="$CLUSTER_DIR/tmp/$(basename "$SCRIPT")"
mkdir -p "$CLUSTER_DIR/tmp"
{ echo "ADD JAR '$JAR';"; sed "s/localhost:9092/$BOOTSTRAP/g" "$SCRIPT"; } > "$RUN"
"$CLUSTER_DIR/bin/sql-client" gateway --endpoint "127.0.0.1:$SQL_GATEWAY_PORT" -f "$RUN"
