#!/usr/bin/env bash
# Prints the classpath to run nnc on Spark without a Spark installation: the module's shaded jar
# (nnc) and Spark's own jars from Maven Central. Builds the jar when it is missing or older than
# a source.
# Usage: examples/spark/classpath.sh   (MAVEN_ARGS: extra arguments for mvn)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jar="$root/spark/target/nnc-spark-0.1.0-SNAPSHOT-all.jar"
cpfile="$root/spark/target/spark-classpath.txt"
stale() {
  [[ ! -f "$jar" || ! -f "$cpfile" ]] && return 0
  [[ -n "$(find "$root/pom.xml" "$root"/grammar "$root"/runtime "$root"/compiler "$root"/spark \
      \( -path '*/target' -prune \) -o \( -path '*/src/*' -o -name pom.xml \) -type f \
      -newer "$jar" -print -quit 2>/dev/null)" ]]
}
if stale; then
  (cd "$root" && mvn -B -q ${MAVEN_ARGS:-} -pl spark -am package -DskipTests >&2)
  (cd "$root" && mvn -B -q ${MAVEN_ARGS:-} -pl spark dependency:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile="$cpfile" >&2)
fi
echo "$jar:$(cat "$cpfile")"
