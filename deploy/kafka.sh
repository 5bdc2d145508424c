#!/usr/bin/env bash
# The project's Kafka broker (KRaft, Kafka 4.2.0, loopback only) in the background, for a Flink
# cluster of deploy/cluster.sh: it runs until `deploy/kafka.sh stop`.
#
#   deploy/kafka.sh start     # broker on 127.0.0.1:19092 with topics questions, faq-matches, questions-dlq
#   deploy/kafka.sh create-topic faq-matches-2 [PARTITIONS]   # another topic (Kafka's kafka-topics tool)
#   deploy/kafka.sh status
#   deploy/kafka.sh stop      # stops it and deletes its data
#
# Environment: KAFKA_PORT (default 19092; deploy/kafka-console.sh talks to 19092 unless BOOTSTRAP
# says otherwise), KAFKA_DIR (default .kafka), KAFKA_TOPICS (comma-separated, default the job's
# three), FAQ_MATCHER_NO_BUILD=1 (use target/ as it is).
# deploy/local.sh runs its own broker on the same port: run one or the other.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
usage_if_asked "$@"
KAFKA_DIR=$(realpath -m "${KAFKA_DIR:-.kafka}")
KAFKA_PORT=${KAFKA_PORT:-${LOCAL_BOOTSTRAP##*:}}
KAFKA_TOPICS=${KAFKA_TOPICS:-$JOB_TOPICS}
SERVER_PID="$KAFKA_DIR/kafka-server.pid"   # the launcher JVM (dev.faqmatch.tools.KafkaServer)
BROKER_PID="$KAFKA_DIR/kafka-broker.pid"   # the broker JVM it started

case "${1:-}" in
  start)
    if pid_alive "$SERVER_PID"; then die "already running (pid $(cat "$SERVER_PID")); deploy/kafka.sh stop first"; fi
    if [[ "${FAQ_MATCHER_NO_BUILD:-}" != 1 ]]; then ensure_built; fi
    mkdir -p "$KAFKA_DIR"
    rm -f "$KAFKA_DIR/server.out" "$BROKER_PID"
    # Small heap: this JVM only starts the broker JVM and waits. Started directly (not through
    # run_java, a shell function) so that $! is the JVM's own pid.
    nohup "$JAVA" -Xmx128m -Djava.io.tmpdir="$KAFKA_DIR" \
      -Dlog4j.configurationFile="$PWD/flink-conf/log4j-local.properties" \
      -cp "tools/target/classes:$(cat target/tools.classpath)" dev.faqmatch.tools.KafkaServer \
      --port "$KAFKA_PORT" --dir "$KAFKA_DIR/broker" --topics "$KAFKA_TOPICS" --pid-file "$BROKER_PID" \
      > "$KAFKA_DIR/server.out" 2>&1 < /dev/null &
    echo $! > "$SERVER_PID"
    for _ in $(seq 1 180); do
      if grep -q ' ready on ' "$KAFKA_DIR/server.out" 2>/dev/null; then
        grep ' ready on ' "$KAFKA_DIR/server.out"
        exit 0
      fi
      pid_alive "$SERVER_PID" || { cat "$KAFKA_DIR/server.out" >&2; die "the broker did not start"; }
      sleep 0.5
    done
    die "the broker did not start within 90 s; see $KAFKA_DIR/server.out and $KAFKA_DIR/broker/"
    ;;
  create-topic)
    topic=${2:?usage: kafka.sh create-topic NAME [PARTITIONS]}
    pid_alive "$SERVER_PID" || die "not running: deploy/kafka.sh start"
    exec "$JAVA" -Dlog4j2.configurationFile="$PWD/deploy/kafka-tools-log4j2.properties" \
      -cp "$(cat target/kafka-broker.classpath)" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "127.0.0.1:$KAFKA_PORT" --create --if-not-exists --topic "$topic" \
      --partitions "${3:-2}" --replication-factor 1
    ;;
  status)
    if pid_alive "$SERVER_PID"; then grep ' ready on ' "$KAFKA_DIR/server.out" || echo "starting (pid $(cat "$SERVER_PID"))"
    else echo "not running"; fi
    ;;
  stop)
    # The launcher's shutdown hook stops the broker and deletes its data; the broker's own pid
    # file covers a launcher that died without it.
    stop_pid_file "$SERVER_PID" kafka-server
    stop_pid_file "$BROKER_PID" kafka-broker
    rm -rf "$KAFKA_DIR"
    echo "Kafka stopped."
    ;;
  *) usage ;;
esac
