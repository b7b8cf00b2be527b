#!/usr/bin/env bash
# Prints the path of a JDK >= 21 for the build and the launchers: $JAVA_HOME if it is new enough,
# else the newest JDK under /usr/lib/jvm, else explains what to install and fails.
set -euo pipefail

major_of() { # $1 = a JDK home; prints its feature version, or nothing
  local home=$1 version=""
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  printf '%s' "$version"
}

if [ -n "${JAVA_HOME:-}" ] && [ "$(major_of "$JAVA_HOME")" != "" ] && [ "$(major_of "$JAVA_HOME")" -ge 21 ]; then
  printf '%s\n' "$JAVA_HOME"
  exit 0
fi

best="" best_major=0
for home in /usr/lib/jvm/*; do
  [ -d "$home" ] || continue
  major=$(major_of "$home")
  if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
    best=$home best_major=$major
  fi
done
if [ -n "$best" ]; then
  printf '%s\n' "$best"
  exit 0
fi
echo "No JDK >= 21 found (JAVA_HOME=${JAVA_HOME:-unset}, nothing newer under /usr/lib/jvm): install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+." >&2
exit 1
