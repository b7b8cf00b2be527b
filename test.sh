#!/usr/bin/env bash
# The project's test command: unit tests, socket and real-broker integration tests, and (where
# nginx with the Lua module is installed) end-to-end tests through the Kong-side Lua peer.
set -euo pipefail
cd "$(dirname "$0")"
JAVA_HOME=$(scripts/java-home.sh)
export JAVA_HOME
# JDK 23+ warns when Maven's own Guava uses sun.misc.Unsafe; older JDKs do not know the flag.
export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:+IgnoreUnrecognizedVMOptions --sun-misc-unsafe-memory-access=allow"
exec mvn -B -ntp verify "$@"
