# Shared by the scripts in deploy/: build on demand and run a Java entry point of the project.
# Source it from the repository root.

JAVA=${JAVA:-java}
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; fi

# Builds when target/ is missing or older than the sources or the pom.
ensure_built() {
  if [[ ! -f target/.built ]] || [[ -n "$(find src pom.xml -newer target/.built -print -quit)" ]]; then
    echo "Building (mvn -DskipTests package) ..." >&2
    mvn -B -q -DskipTests package >&2
    touch target/.built
  fi
}

# run_java [JVM options...] MAIN [args...]: the project's classes with Flink, ONNX Runtime and
# the tokenizer on the classpath, as in a Flink cluster with those jars in lib/.
run_java() {
  local jvm=()
  while [[ $# -gt 0 && "$1" == -* ]]; do jvm+=("$1"); shift; done
  RUST_FLAVOR=cpu "$JAVA" "${jvm[@]}" -Dai.djl.offline=true \
    -Dlog4j.configurationFile="$PWD/flink-conf/log4j-local.properties" \
    -cp "target/classes:$(cat target/run.classpath)" "$@"
}
