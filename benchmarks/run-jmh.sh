#!/usr/bin/env bash
# Runs the JMH kernel benchmarks: builds the module when needed, then hands all arguments to JMH, e.g.
#   benchmarks/run-jmh.sh                      # every benchmark, default settings (several minutes)
#   benchmarks/run-jmh.sh KernelBenchmark.nearest -p d=25,64 -f 1 -wi 3 -i 5
#   benchmarks/run-jmh.sh -h                   # JMH's own options
# Forked JVMs get --add-modules jdk.incubator.vector (see @Fork); "-p kernel=scalar" measures the fallback.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/benchmarks"
if [ ! -f "$MODULE/target/classes/META-INF/BenchmarkList" ] || [ ! -d "$MODULE/target/lib" ] \
    || [ -n "$(find "$MODULE/src" "$ROOT/quantization-core/src/main" -newer "$MODULE/target/classes/META-INF/BenchmarkList" -type f | head -1)" ]; then
  (cd "$ROOT" && ./mvnw -B -q -pl benchmarks -am package -DskipTests) >&2
fi
JAVA=""
for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null || true)" /usr/lib/jvm/*/bin/java; do
  if [ -n "$c" ] && [ -x "$c" ] && "$c" -XshowSettings:properties -version 2>&1 \
      | grep -Eq 'java\.specification\.version = (2[1-9]|[3-9][0-9])'; then
    JAVA="$c"
    break
  fi
done
[ -n "$JAVA" ] || { echo "run-jmh.sh: no JDK 21 or newer found (JAVA_HOME, PATH, /usr/lib/jvm)" >&2; exit 1; }
exec "$JAVA" --add-modules jdk.incubator.vector -cp "$MODULE/target/classes:$MODULE/target/lib/*" \
  org.openjdk.jmh.Main "$@"
