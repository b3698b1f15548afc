#!/usr/bin/env bash
# Checks that the tools the build needs are installed, with one clear line per problem.
set -u
fail=0
need() { echo "missing: $1 — $2" >&2; fail=1; }

if ! command -v go >/dev/null 2>&1; then
  need "Go 1.26+" "install it from https://go.dev/dl/"
else
  gov=$(go env GOVERSION | sed 's/^go//')
  major=${gov%%.*}; rest=${gov#*.}; minor=${rest%%.*}
  if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 26 ]; }; then
    need "Go 1.26+ (found $gov)" "install a newer Go from https://go.dev/dl/"
  fi
fi

java_bin=java
[ -n "${JAVA_HOME:-}" ] && java_bin="$JAVA_HOME/bin/java"
if ! command -v "$java_bin" >/dev/null 2>&1; then
  need "a JDK 17+" "install one (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"
else
  jv=$("$java_bin" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)\(\.\([0-9]*\)\)\{0,1\}.*/\1 \3/p' | head -1)
  jmajor=${jv%% *}; [ "$jmajor" = "1" ] && jmajor=${jv##* }
  if [ -z "$jmajor" ] || [ "$jmajor" -lt 17 ]; then
    need "a JDK 17+ (found ${jmajor:-unknown} at $(command -v "$java_bin"))" "install a newer JDK or set JAVA_HOME to one"
  fi
  if ! command -v javac >/dev/null 2>&1 && [ ! -x "${JAVA_HOME:-/nonexistent}/bin/javac" ]; then
    need "javac (a JDK, not only a JRE)" "install a JDK 17+ (Debian: openjdk-17-jdk-headless)"
  fi
fi

if ! command -v mvn >/dev/null 2>&1; then
  need "Maven 3.8+" "install it (Debian: apt-get install maven) or from https://maven.apache.org"
fi
exit $fail
