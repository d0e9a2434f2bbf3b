# Sourced by ./gantry and bench/run: sets and exports JAVA_HOME to a JDK 21 or newer (JAVA_HOME
# first, then javac on PATH, then the usual install folders) or exits with one clear line, and
# sets GANTRY_JAVA_OPTS to the JVM flags gantry.jar runs with unless the caller set it (even empty).
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in /usr/lib/jvm/* /usr/local/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* \
           "$HOME"/.jdks/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v="$(java_major "$c" 2>/dev/null || echo 0)"
    if [ "${v:-0}" -ge 21 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}

JAVA_HOME="$(find_jdk)" || {
  echo "${0##*/}: no JDK 21 or newer found (looked at JAVA_HOME, javac on PATH and the usual install folders); install one or set JAVA_HOME" >&2
  exit 1
}
export JAVA_HOME

# The shipped JVM defaults (docs/deployment.md, "Memory"): the serial collector and a 512 MB heap
# cap keep a worker under 300 MB resident at 20,000 jobs/s (docs/benchmarks.md), where G1 with
# the JVM's default cap (a quarter of the machine's memory) grew to 340 MB. A job runner's live
# set is small, so a young collection of the serial collector takes a few milliseconds.
# The container image sets the same collector, with the heap sized from its memory limit.
GANTRY_DEFAULT_JAVA_OPTS="-XX:+UseSerialGC -Xmx512m -XX:+ExitOnOutOfMemoryError"
GANTRY_JAVA_OPTS="${GANTRY_JAVA_OPTS-$GANTRY_DEFAULT_JAVA_OPTS}"
