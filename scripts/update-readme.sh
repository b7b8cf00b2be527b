#!/usr/bin/env bash
# Regenerates the README sections that come from the code: the settings table (the schema), the
# --help text and the example plugin. ReadmeTest fails the build when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/java-home.sh)
export JAVA_HOME
mvn -B -q -ntp -pl plugin-server,testkit install -DskipTests
mvn -B -q -ntp -pl plugin-kafka-upstream test-compile exec:java \
    -Dexec.mainClass=dev.kongjava.kafkaupstream.ReadmeSections -Dexec.classpathScope=test
