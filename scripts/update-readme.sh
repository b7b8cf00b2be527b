#!/usr/bin/env bash
# Regenerates the sections of README.md and docs/*.md that come from the code and the shipped files
# (the settings table, --help, the example plugin and its test, the kong.conf, Admin API, kong.yml
# and compose examples); ReadmeSections.FILES says which file holds each. ReadmeTest fails the
# build when one is stale or not in the file FILES names.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/java-home.sh)
export JAVA_HOME
mvn -B -q -ntp -pl plugin-server,testkit,plugin-server-testing install -DskipTests
mvn -B -q -ntp -pl plugin-kafka-upstream test-compile exec:java \
    -Dexec.mainClass=dev.kongjava.kafkaupstream.ReadmeSections -Dexec.classpathScope=test
