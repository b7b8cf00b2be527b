#!/usr/bin/env bash
# The newcomer demo, from a fresh clone with a JDK >= 21 and Maven:
#
#   ./demo.sh [--port 8000] [--front auto|lua|java] [--topic kong-upstream]
#
# Builds what it needs (quietly; the first build downloads dependencies), then runs in one JVM a
# Kafka broker (KRaft, temp data dir) and a tail of the topic; starts the real plugin server in its
# own process through kong-config/kafka-upstream, as Kong does, and the example plugins of
# examples/request-tagger (one process per plugin, as Kong 3.9 needs); and puts a Kong-compatible
# HTTP front on 127.0.0.1:8000 (or a free port) with the service-less routes /kafka (kafka-upstream)
# and /tagged (request-tagger, tag-echo): the Lua peer (Debian nginx + lua module) when installed,
# else a Java HTTP server driving the plugins through FakeKong. It prints what to curl and every
# record produced.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
JAVA_HOME=$(scripts/java-home.sh)
export JAVA_HOME

classpath_file=packaging/target/demo.classpath
jar=plugin-kafka-upstream/target/kafka-upstream.jar
example_jar=examples/request-tagger/target/request-tagger.jar
# Rebuild when something is missing or a pom or source file changed since the last build.
if [ ! -f "$classpath_file" ] || [ ! -f "$jar" ] || [ ! -f "$example_jar" ] || [ ! -d packaging/target/classes ] \
    || [ -n "$(find pom.xml ./*/pom.xml ./*/src examples/*/pom.xml examples/*/src -newer "$classpath_file" -type f -print -quit 2>/dev/null)" ]; then
  command -v mvn >/dev/null || { echo "demo: Maven (mvn) is needed to build; install Maven 3.8 or newer" >&2; exit 1; }
  echo "Building the plugin server and the demo (mvn package; the first build downloads dependencies) ..."
  build_log=$(mktemp)
  if ! mvn -B -ntp -pl packaging -am package -Dmaven.test.skip=true >"$build_log" 2>&1; then
    cat "$build_log" >&2
    rm -f "$build_log"
    echo "demo: the build failed (output above)" >&2
    exit 1
  fi
  rm -f "$build_log"
  touch "$classpath_file" # Maven leaves it untouched when the class path did not change
fi

# JDK 23+ warns about sun.misc.Unsafe in Kafka's libraries; the demo allows it to keep its output readable.
unsafe=""
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
if [ -n "$major" ] && [ "$major" -ge 23 ]; then
  unsafe=--sun-misc-unsafe-memory-access=allow
fi

# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $unsafe -Xmx768m \
  -cp "packaging/target/classes:$(cat "$classpath_file")" \
  dev.kongjava.packaging.demo.Demo --repo "$PWD" "$@"
