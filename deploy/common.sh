# Shared by the scripts in deploy/: building on demand, the project's Java launcher, process
# helpers and the opt-in integration-test runner. Source it from the repository root, after
# setting SCRIPT to the script's name (used in error messages).

# The directory the script was started in: every script changes to the repository root just
# before it sources this file, and a path the user typed is relative to where they were. The Java
# tools resolve such paths against it (run_java passes it on); their defaults stay in the root.
CALLER_DIR=${OLDPWD:-$PWD}

JAVA=${JAVA:-java}
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; fi
SCRIPT=${SCRIPT:-$(basename "$0")}

# The local broker of deploy/local.sh and deploy/kafka.sh, and the job's topics with default
# settings (testkit's Topics says the same to the Java tools and tests).
LOCAL_BOOTSTRAP=127.0.0.1:19092
JOB_TOPICS=questions,faq-matches,questions-dlq

die() { echo "$SCRIPT: $*" >&2; exit 1; }

# usage [STATUS]: the comment block at the top of the calling script (line 2 up to `set -euo`), as
# its usage; on stdout and status 0 when asked for, else on stderr and status 2 (a bad command line).
usage() {
  local status=${1:-2}
  if ((status == 0)); then script_comment; else script_comment >&2; fi
  exit "$status"
}
script_comment() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

# usage_if_asked ARGS...: for scripts that start no Java tool, -h or --help as the first argument
# prints the usage and exits 0 (the Java tools print their own).
usage_if_asked() { if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then usage 0; fi; }

# pid_alive PID_FILE: the file exists and its process runs.
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pids NAME=PID...: SIGTERM to all (JVMs shut down cleanly), SIGKILL to those left after
# STOP_TIMEOUT seconds (default 30).
stop_pids() {
  local entry pid name alive i
  for entry in "$@"; do kill "${entry#*=}" 2>/dev/null || true; done
  for ((i = 0; i < 2 * ${STOP_TIMEOUT:-30}; i++)); do
    alive=0
    for entry in "$@"; do kill -0 "${entry#*=}" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.5
  done
  for entry in "$@"; do
    name=${entry%%=*}; pid=${entry#*=}
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name (pid $pid) did not stop within ${STOP_TIMEOUT:-30} s: killing it" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}

# stop_pid_file PID_FILE [NAME]: stops the process the file names, if it runs.
stop_pid_file() {
  if pid_alive "$1"; then stop_pids "${2:-$(basename "$1" .pid)}=$(cat "$1")"; fi
}

# Builds when the distribution in target/ is missing or older than the sources or a pom.
ensure_built() {
  # Scripts started together (deploy/kafka.sh and deploy/cluster.sh in two terminals) must not run
  # two Maven builds in one tree (the second read half-written jars): the build holds a lock, and
  # a script that waited for it finds the tree built.
  mkdir -p target
  local lock
  exec {lock}>target/.build.lock
  flock "$lock"
  if [[ ! -f target/.built ]] \
      || [[ -n "$(find pom.xml */pom.xml */src -newer target/.built -print -quit)" ]]; then
    echo "Building (mvn -DskipTests package) ..." >&2
    mvn -B -q -DskipTests package >&2
    touch target/.built
  fi
  flock -u "$lock"
  exec {lock}>&-
}

# The TaskManagers' JVM options (env.java.opts.taskmanager in flink-conf/cluster/config.yaml;
# DeployFilesTest holds the two equal), for the tools that run the job's code in their own JVM (the
# demo, the benchmarks, calibration, evaluation): they then search FAQ banks with the same kernels
# as a cluster (the Vector API's) and measure what a cluster runs. The JVM prints "Using incubator
# modules" once at start.
TASKMANAGER_JAVA_OPTS=(-Dai.djl.offline=true --add-modules=jdk.incubator.vector)

# run_java [JVM options...] MAIN [args...]: an entry point of the tools module, with Flink, ONNX
# Runtime and the tokenizer on the classpath as in a Flink cluster with those jars in lib/, the
# tokenizer kept on its bundled CPU build, the local log configuration, and the caller's directory
# for the paths in args (dev.faqmatch.cli.UserPaths).
run_java() {
  local jvm=()
  while [[ $# -gt 0 && "$1" == -* ]]; do jvm+=("$1"); shift; done
  RUST_FLAVOR=cpu "$JAVA" "${jvm[@]}" -Dai.djl.offline=true -Dfaqmatch.caller.dir="$CALLER_DIR" \
    -Dlog4j.configurationFile="$PWD/flink-conf/log4j-local.properties" \
    -cp "tools/target/classes:$(cat target/tools.classpath)" "$@"
}

# python_env VENV EXTRA [PYTHON]: PYTHON when given, else VENV's interpreter, the venv made and the
# model tools' package (deploy/python) installed into it with EXTRA's pinned dependencies on first
# use (the opt-in Python tools' checks).
python_env() { make_python_env "$1" "$2" "${3:-}" python3; }

# kafka_python_env VENV EXTRA [PYTHON]: as python_env, for the tools that need a Kafka client: pip's
# mirror here has none, so confluent_kafka is Debian's python3-confluent-kafka (librdkafka), installed
# for Debian's /usr/bin/python3 and seen from a venv of it made with --system-site-packages.
kafka_python_env() {
  if [[ -z "${3:-}" ]] && ! /usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null; then
    die "no confluent_kafka for /usr/bin/python3: apt-get install -y python3-confluent-kafka (or give an interpreter that has it)"
  fi
  make_python_env "$1" "$2" "${3:-}" /usr/bin/python3 --system-site-packages
}

# make_python_env VENV EXTRA PYTHON BASE_PYTHON [venv options...]: python_env's work, the venv made by BASE_PYTHON.
make_python_env() {
  local venv=$1 extra=$2 python=$3 base=$4
  shift 4
  if [[ -n "$python" ]]; then echo "$python"; return; fi
  if [[ ! -x "$venv/bin/python" ]]; then
    "$base" -m venv "$@" "$venv" >&2
    "$venv/bin/pip" install -q -e "deploy/python[$extra]" >&2
  fi
  echo "$PWD/$venv/bin/python"
}

# run_it TEST_CLASS [mvn options...]: one integration test (failsafe) across the modules, no unit
# tests; for the opt-in tests that `mvn verify` skips unless their property is set.
run_it() {
  local test=$1; shift
  mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$test" \
    -Dit.failIfNoSpecifiedTests=false "$@"
}
