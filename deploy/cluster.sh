#!/usr/bin/env bash
# A real Flink standalone session cluster on this machine, built from Maven jars (flink-dist is not
# on Maven Central): a JobManager and TaskManager(s), each its own JVM, started the way Flink's
# bin/jobmanager.sh and bin/taskmanager.sh start them (Java 17 flags from env.java.opts.*, memory
# flags computed by Flink's BashJavaUtils), with ONNX Runtime and the tokenizer in the cluster's
# lib/ and the Prometheus reporter in its plugins/.
#
#   deploy/cluster.sh start [-D key=value ...]   # JobManager + TaskManager(s); -D overrides config.yaml
#   deploy/cluster.sh submit [job settings]      # flink run -d the job jar (--kafka.bootstrap-servers
#                                                #   defaults to the broker of deploy/kafka.sh)
#   deploy/cluster.sh flink ARGS...              # Flink's own CLI for this cluster (also .cluster/bin/flink)
#   deploy/cluster.sh list                       # running jobs
#   deploy/cluster.sh cancel [JOB_ID]            # one job, or every running job
#   deploy/cluster.sh sql-gateway                # Flink's SQL gateway for this cluster on 127.0.0.1:8083
#                                                #   (deploy/sql.sh runs Flink's SQL client against it)
#   deploy/cluster.sh status                     # processes, slots, jobs, metric endpoints
#   deploy/cluster.sh stop                       # stop everything this script started
#
# Environment: CLUSTER_DIR (default .cluster: lib/, plugins/, conf/, log/, tmp/, pid files),
# CLUSTER_CONF (default flink-conf/cluster; flink-conf/gpu for a GPU TaskManager),
# TASKMANAGERS (default 1), BOOTSTRAP (default 127.0.0.1:19092, for submit),
# FAQ_MATCHER_NO_BUILD=1 (use target/ as it is instead of building what is missing or stale).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh
usage_if_asked "$@"
ROOT=$PWD
CLUSTER_DIR=$(realpath -m "${CLUSTER_DIR:-.cluster}")
CLUSTER_CONF=${CLUSTER_CONF:-flink-conf/cluster}
TASKMANAGERS=${TASKMANAGERS:-1}
SQL_GATEWAY_PORT=${SQL_GATEWAY_PORT:-8083}
BOOTSTRAP=${BOOTSTRAP:-$LOCAL_BOOTSTRAP}
CONF="$CLUSTER_DIR/conf"
LOG="$CLUSTER_DIR/log"
# Marks every JVM of this cluster on its command line, so that status and stop can find one whose
# pid file is gone (a crashed script) without touching other Java processes.
MARKER="-Dfaqmatcher.cluster.dir=$CLUSTER_DIR"
MAIN_CLASS=dev.faqmatch.job.FaqMatcherJob


job_jar() {
  local jar
  jar=$(ls "$ROOT"/target/faq-matcher-*.jar 2>/dev/null | grep -v -e original- -e -tests | head -1 || true)
  [[ -n "$jar" ]] || die "no job jar in target/: run mvn -B -DskipTests package"
  echo "$jar"
}

build() {
  if [[ "${FAQ_MATCHER_NO_BUILD:-}" != 1 ]]; then ensure_built; fi
  [[ -d target/flink-home/lib && -d target/flink-lib ]] \
    || die "target/flink-home or target/flink-lib is missing: run mvn -B -DskipTests package"
}

# Value of a key in the cluster's resolved configuration (flat "key: value" lines).
conf_value() {
  local value
  value=$(sed -n "s/^$1: //p" "$CONF/config.yaml" | tail -1)
  value=${value#\'}; value=${value%\'}
  echo "${value:-$2}"
}

# Runs Flink's BashJavaUtils as Flink's scripts do and prints its result lines (without the prefix).
bash_java_utils() {
  local out
  if ! out=$("$JAVA" -cp "$CLUSTER_DIR/lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$@" 2>&1); then
    echo "$out" >&2
    die "BashJavaUtils $1 failed"
  fi
  echo "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}


rest_url() { echo "http://$(conf_value rest.address localhost):$(conf_value rest.port 8081)"; }

rest_get() { curl -sf --max-time 5 "$(rest_url)$1"; }

# Pids of JVMs of this cluster, found by the marker on their command line.
marked_pids() {
  # -z: one command-line argument per "line"; -x: the whole argument, not a prefix of another
  # folder; -f: the marker is not on grep's own command line.
  grep -lsFxz -f <(printf '%s\n' "$MARKER") /proc/[0-9]*/cmdline 2>/dev/null | sed 's#^/proc/\([0-9]*\)/cmdline$#\1#' || true
}

# java_opts KIND: env.java.opts.all plus env.java.opts.KIND, split into words as Flink's scripts do.
java_opts() {
  echo "$(conf_value env.java.opts.all "") $(conf_value "env.java.opts.$1" "")"
}

# launch NAME MAIN_CLASS JVM_PARAMS PROGRAM_ARGS: starts one cluster JVM in the background.
launch() {
  local name=$1 main=$2 jvm=$3 args=$4 kind=${1%%-*}
  # shellcheck disable=SC2086  # word splitting of option strings is intended, as in Flink's scripts
  FLINK_HOME="$CLUSTER_DIR" FLINK_CONF_DIR="$CONF" FLINK_LIB_DIR="$CLUSTER_DIR/lib" \
  FLINK_PLUGINS_DIR="$CLUSTER_DIR/plugins" RUST_FLAVOR=cpu \
  nohup "$JAVA" $jvm $(java_opts "$kind") "$MARKER" \
    -Djava.io.tmpdir="$CLUSTER_DIR/tmp" \
    -Dlog.file="$LOG/$name.log" \
    -Dlog4j.configuration="file:$CONF/log4j.properties" \
    -Dlog4j.configurationFile="file:$CONF/log4j.properties" \
    -classpath "$CLUSTER_DIR/lib/*" "$main" $args \
    > "$LOG/$name.out" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/$name.pid"
}

await() {  # await SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then die "$what did not happen within ${seconds}s; see $LOG/"; fi
    for pid_file in "$CLUSTER_DIR"/*.pid; do
      [[ -f "$pid_file" ]] || continue
      pid_alive "$pid_file" || die "$(basename "$pid_file" .pid) exited; see $LOG/$(basename "$pid_file" .pid).{out,log}"
    done
    sleep 1
  done
}

cluster_up() { rest_get /overview | grep -q "\"taskmanagers\":$TASKMANAGERS,"; }
rest_up() { rest_get /config > /dev/null; }
jobmanager_reporting() { grep -q 'Started PrometheusReporter' "$LOG/jobmanager.log" 2>/dev/null || rest_up; }

start() {
  if [[ -f "$CLUSTER_DIR/jobmanager.pid" ]] && pid_alive "$CLUSTER_DIR/jobmanager.pid"; then
    die "already running (deploy/cluster.sh status; deploy/cluster.sh stop)"
  fi
  [[ -z "$(marked_pids)" ]] || die "JVMs of a previous cluster in $CLUSTER_DIR still run: deploy/cluster.sh stop"
  [[ -f "$CLUSTER_CONF/config.yaml" ]] || die "no $CLUSTER_CONF/config.yaml"
  build
  local t0=$SECONDS
  rm -rf "$CLUSTER_DIR"/{lib,plugins,conf,bin,log,tmp,web,web-upload,checkpoints,savepoints} "$CLUSTER_DIR"/*.pid
  mkdir -p "$CLUSTER_DIR"/{lib,plugins,conf,bin,log,tmp}

  # lib/ as in a Flink distribution: Flink's jars plus target/flink-lib (ONNX Runtime, tokenizer),
  # linked rather than copied, and a snapshot, so that a rebuild does not change a running cluster.
  cp -l target/flink-home/lib/*.jar target/flink-lib/*.jar "$CLUSTER_DIR/lib/" 2>/dev/null \
    || cp target/flink-home/lib/*.jar target/flink-lib/*.jar "$CLUSTER_DIR/lib/"
  cp -r target/flink-home/plugins/. "$CLUSTER_DIR/plugins/"
  mkdir -p "$CLUSTER_DIR/opt" && cp target/sql-client/*.jar "$CLUSTER_DIR/opt/"

  # The configuration every process reads: CLUSTER_CONF/config.yaml with this cluster's folders
  # and the -D overrides of the command line, resolved by Flink itself.
  local overrides=(
    -D "io.tmp.dirs=$CLUSTER_DIR/tmp"
    -D "web.tmpdir=$CLUSTER_DIR/web"
    -D "web.upload.dir=$CLUSTER_DIR/web-upload"
    -D "execution.checkpointing.dir=file://$CLUSTER_DIR/checkpoints"
    -D "execution.checkpointing.savepoint-dir=file://$CLUSTER_DIR/savepoints"
  )
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -D) overrides+=(-D "${2:?-D needs key=value}"); shift 2 ;;
      -D*) overrides+=(-D "${1#-D}"); shift ;;
      *) die "unexpected argument '$1': start takes -D key=value" ;;
    esac
  done
  bash_java_utils UPDATE_AND_GET_FLINK_CONFIGURATION --configDir "$CLUSTER_CONF" "${overrides[@]}" -flatten \
    > "$CONF/config.yaml"
  for f in log4j.properties log4j-cli.properties; do
    if [[ -f "$CLUSTER_CONF/$f" ]]; then cp "$CLUSTER_CONF/$f" "$CONF/"; else cp "flink-conf/cluster/$f" "$CONF/"; fi
  done
  if [[ "$(conf_value external-resources none)" == *gpu* ]]; then gpu_plugin; fi
  write_flink_cli

  # Memory flags and dynamic configs from BashJavaUtils, as bin/jobmanager.sh and
  # bin/taskmanager.sh compute them; the last two lines of its answer.
  local jm_params tm_params
  jm_params=$(bash_java_utils GET_JM_RESOURCE_PARAMS --configDir "$CONF" | tail -2)
  tm_params=$(bash_java_utils GET_TM_RESOURCE_PARAMS --configDir "$CONF" | tail -2)
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    "$(head -1 <<< "$jm_params")" "--configDir $CONF $(tail -1 <<< "$jm_params")"
  echo "JobManager starting (pid $(cat "$CLUSTER_DIR/jobmanager.pid")): $(head -1 <<< "$jm_params")"
  # TaskManagers retry until the JobManager answers, but their metric reporters take the first
  # free port of the range: let the JobManager take its port first, so that its is the first one.
  await 120 "JobManager start-up" jobmanager_reporting
  local i
  for ((i = 1; i <= TASKMANAGERS; i++)); do
    launch "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
      "$(head -1 <<< "$tm_params")" "--configDir $CONF $(tail -1 <<< "$tm_params")"
    echo "TaskManager $i starting (pid $(cat "$CLUSTER_DIR/taskmanager-$i.pid")): $(head -1 <<< "$tm_params")"
  done
  await 120 "JobManager REST endpoint at $(rest_url)" rest_up
  await 120 "$TASKMANAGERS TaskManager(s) registering" cluster_up
  echo "Cluster up in $((SECONDS - t0)) s: $(rest_get /overview)"
  echo "Web UI and REST API: $(rest_url)   Prometheus: $(prometheus_ports)   logs: $LOG/"
  echo "Submit: deploy/cluster.sh submit   or   $CLUSTER_DIR/bin/flink run -d -c $MAIN_CLASS $(job_jar) --kafka.bootstrap-servers $BOOTSTRAP"
}

prometheus_ports() {
  local ports="" f
  for f in "$LOG"/*.log; do
    [[ -f "$f" ]] || continue
    local p
    p=$(grep -o 'Started PrometheusReporter HTTP server on port [0-9]*' "$f" | grep -o '[0-9]*$' | tail -1 || true)
    [[ -n "$p" ]] && ports+="$(basename "$f" .log)=http://localhost:$p/metrics "
  done
  echo "${ports:-none yet}"
}

# Flink's GPU plug-in and its discovery scripts into plugins/external-resource-gpu/, as Flink's
# distribution has them. Maven Central has no 2.2.x build of it and lacks its parent POM, so it is
# fetched on demand without its POM; it implements only Flink's stable ExternalResourceDriver API.
gpu_plugin() {
  local version=${FLINK_GPU_PLUGIN_VERSION:-2.0.0}
  local dir="$CLUSTER_DIR/plugins/external-resource-gpu"
  local jar="${MAVEN_REPOSITORY:-$HOME/.m2/repository}/org/apache/flink/flink-external-resource-gpu/$version/flink-external-resource-gpu-$version.jar"
  if [[ ! -f "$jar" ]]; then
    echo "Fetching Flink's GPU plug-in (flink-external-resource-gpu $version) with Maven ..."
    # Outside the project: inside it, Maven insists on the plug-in's (missing) parent POM.
    (cd "$CLUSTER_DIR" && mvn -B -q dependency:get -Dartifact="org.apache.flink:flink-external-resource-gpu:$version" \
      -Dtransitive=false >&2)
  fi
  mkdir -p "$dir"
  cp "$jar" "$dir/"
  (cd "$dir" && "$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jar" xf "$jar" gpu-discovery-common.sh nvidia-gpu-discovery.sh) 2>/dev/null \
    || unzip -o -q -j "$jar" '*.sh' -d "$dir"
  chmod +x "$dir"/*.sh
}

# .cluster/bin/NAME: a launcher of one of Flink's own client programs for this cluster, as the
# scripts of a distribution's bin/ start them (the SQL client's jar is in opt/, as there).
write_launcher() {
  local name=$1 main=$2 classpath=$3
  cat > "$CLUSTER_DIR/bin/$name" <<EOF
#!/usr/bin/env bash
# Flink's $name for the cluster in $CLUSTER_DIR, written by deploy/cluster.sh start.
export FLINK_CONF_DIR="$CONF" FLINK_LIB_DIR="$CLUSTER_DIR/lib" FLINK_PLUGINS_DIR="$CLUSTER_DIR/plugins" RUST_FLAVOR=cpu
exec "$JAVA" $(java_opts client) $MARKER -Dai.djl.offline=true -Djava.io.tmpdir="$CLUSTER_DIR/tmp" \\
  -Dlog.file="$LOG/flink-$name.log" -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" \\
  -classpath "$classpath" $main "\$@"
EOF
  chmod +x "$CLUSTER_DIR/bin/$name"
}

write_flink_cli() {
  write_launcher flink org.apache.flink.client.cli.CliFrontend "$CLUSTER_DIR/lib/*"
  write_launcher sql-gateway org.apache.flink.table.gateway.SqlGateway "$CLUSTER_DIR/lib/*"
  write_launcher sql-client org.apache.flink.table.client.SqlClient "$CLUSTER_DIR/lib/*:$CLUSTER_DIR/opt/*"
}

# Flink's SQL gateway (REST on 127.0.0.1:SQL_GATEWAY_PORT) in the background, submitting to this cluster.
sql_gateway() {
  require_running
  if pid_alive "$CLUSTER_DIR/sql-gateway.pid"; then
    echo "SQL gateway already running on 127.0.0.1:$SQL_GATEWAY_PORT (pid $(cat "$CLUSTER_DIR/sql-gateway.pid"))."
    return
  fi
  nohup "$CLUSTER_DIR/bin/sql-gateway" -Dsql-gateway.endpoint.rest.address=127.0.0.1 \
    -Dsql-gateway.endpoint.rest.port="$SQL_GATEWAY_PORT" > "$LOG/sql-gateway.out" 2>&1 &
  echo $! > "$CLUSTER_DIR/sql-gateway.pid"
  local deadline=$((SECONDS + 60))
  until curl -sf "http://127.0.0.1:$SQL_GATEWAY_PORT/v1/info" > /dev/null; do
    pid_alive "$CLUSTER_DIR/sql-gateway.pid" || die "the SQL gateway stopped: see $LOG/sql-gateway.out"
    (( SECONDS < deadline )) || die "the SQL gateway did not answer within 60 s: see $LOG/sql-gateway.out"
    sleep 0.5
  done
  echo "SQL gateway on 127.0.0.1:$SQL_GATEWAY_PORT (pid $(cat "$CLUSTER_DIR/sql-gateway.pid")); logs in $LOG/."
}

require_running() {
  [[ -x "$CLUSTER_DIR/bin/flink" ]] && pid_alive "$CLUSTER_DIR/jobmanager.pid" \
    || die "no cluster running in $CLUSTER_DIR: deploy/cluster.sh start"
}

submit() {
  require_running
  local jar
  jar=$(job_jar)
  local args=("$@")
  if [[ " ${args[*]} " != *" --kafka.bootstrap-servers "* ]]; then
    args=(--kafka.bootstrap-servers "$BOOTSTRAP" "${args[@]}")
  fi
  "$CLUSTER_DIR/bin/flink" run -d -c "$MAIN_CLASS" "$jar" "${args[@]}"
}

running_jobs() {  # ids of jobs that are not finished
  "$CLUSTER_DIR/bin/flink" list -r 2>/dev/null | sed -n 's/^.* : \([0-9a-f]\{32\}\) : .*$/\1/p'
}

cancel() {
  require_running
  local ids=("$@")
  if [[ ${#ids[@]} -eq 0 ]]; then mapfile -t ids < <(running_jobs); fi
  [[ ${#ids[@]} -gt 0 ]] || { echo "No running jobs."; return 0; }
  local id
  for id in "${ids[@]}"; do "$CLUSTER_DIR/bin/flink" cancel "$id"; done
}

status() {
  local f any=0
  for f in "$CLUSTER_DIR"/*.pid; do
    [[ -f "$f" ]] || continue
    any=1
    if pid_alive "$f"; then echo "$(basename "$f" .pid): running, pid $(cat "$f")"
    else echo "$(basename "$f" .pid): not running (pid file left)"; fi
  done
  ((any)) || echo "No cluster started in $CLUSTER_DIR."
  if [[ -f "$CONF/config.yaml" ]] && rest_up 2>/dev/null; then
    echo "REST $(rest_url): $(rest_get /overview)"
    "$CLUSTER_DIR/bin/flink" list 2>/dev/null | grep -v '^Waiting for response' || true
    echo "Prometheus: $(prometheus_ports)"
  fi
  local strays
  strays=$(marked_pids | tr '\n' ' ')
  [[ -z "$strays" ]] || echo "JVMs of this cluster: $strays"
}

stop() {
  local f pid entries=()
  for f in "$CLUSTER_DIR"/sql-gateway.pid "$CLUSTER_DIR"/taskmanager-*.pid "$CLUSTER_DIR"/jobmanager.pid; do
    [[ -f "$f" ]] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then entries+=("$(basename "$f" .pid)=$pid"); fi
    rm -f "$f"
  done
  for pid in $(marked_pids); do
    [[ " ${entries[*]} " == *"=$pid "* ]] || entries+=("leftover-jvm=$pid")
  done
  if [[ ${#entries[@]} -gt 0 ]]; then
    stop_pids "${entries[@]}"
    for f in "${entries[@]}"; do echo "Stopped ${f%%=*} (pid ${f#*=})."; done
    sleep 0.5
  fi
  # Unpacked native libraries and blobs (hundreds of MB); the logs and the configuration stay.
  rm -rf "$CLUSTER_DIR"/{tmp,web,web-upload,lib,opt,plugins,checkpoints,savepoints}
  [[ -z "$(marked_pids)" ]] || die "JVMs of this cluster still run: $(marked_pids | tr '\n' ' ')"
  echo "Cluster stopped; logs in $LOG/."
}

cmd=${1:-}
[[ $# -gt 0 ]] && shift
case "$cmd" in
  start) start "$@" ;;
  submit) submit "$@" ;;
  flink) require_running; exec "$CLUSTER_DIR/bin/flink" "$@" ;;
  list) require_running; exec "$CLUSTER_DIR/bin/flink" list "$@" ;;
  cancel) cancel "$@" ;;
  sql-gateway) sql_gateway ;;
  status) status ;;
  stop) stop ;;
  *) usage ;;
esac
