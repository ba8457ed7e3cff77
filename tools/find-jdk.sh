# Sourced by ./striate and ./test: sets JAVA_HOME to a JDK 25 or newer, found in JAVA_HOME, on PATH, or in the
# standard JVM folders (these machines default to JDK 17 with a Temurin 25 beside it). Exits 2 with one line if none.
striate_java_version() { # the feature version of a java binary, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}
striate_find_jdk() {
  local candidates=() home v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$home" ] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    v=$(striate_java_version "$home/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$home"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(striate_find_jdk); then
  echo "striate: no JDK 25 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. Temurin 25, or set JAVA_HOME" >&2
  exit 2
fi
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
