#!/usr/bin/env bash
# Kafka's own console producer and consumer, from the same Kafka release as the project's broker.
#
#   deploy/kafka-console.sh produce questions            # type one JSON question per line
#   deploy/kafka-console.sh consume faq-matches          # print match events (read_committed)
#   deploy/kafka-console.sh consume questions-dlq
# BOOTSTRAP (default 127.0.0.1:19092, the broker of deploy/local.sh) picks another broker; extra
# arguments go to the Kafka tool as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
usage_if_asked "$@"
ensure_built
BOOTSTRAP=${BOOTSTRAP:-$LOCAL_BOOTSTRAP}
[[ $# -ge 2 ]] || usage
mode=$1
topic=$2
shift 2
cp="$(cat target/kafka-broker.classpath)"
log="-Dlog4j2.configurationFile=$PWD/deploy/kafka-tools-log4j2.properties"
case "$mode" in
  produce) exec "$JAVA" "$log" -cp "$cp" org.apache.kafka.tools.ConsoleProducer \
             --bootstrap-server "$BOOTSTRAP" --topic "$topic" "$@" ;;
  consume) exec "$JAVA" "$log" -cp "$cp" org.apache.kafka.tools.consumer.ConsoleConsumer \
             --bootstrap-server "$BOOTSTRAP" --topic "$topic" --from-beginning \
             --isolation-level read_committed --formatter-property print.key=true "$@" ;;
  *) die "unknown mode '$mode': produce or consume" ;;
esac
