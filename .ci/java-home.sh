# Sourced by ./engine and .ci/run: selects a JDK 25 or fails with a message that says which JDK to install.
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  else
    echo "error: jengine needs JDK 25. Install one (e.g. Temurin 25) and set JAVA_HOME to it;" \
         "JAVA_HOME=${JAVA_HOME:-<unset>} is not a JDK 25 and /usr/lib/jvm/temurin-25-jdk-amd64 does not exist." >&2
    exit 2
  fi
fi
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own Guice touches sun.misc.Unsafe; JDK 25 warns about it on every build unless told it is allowed.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
