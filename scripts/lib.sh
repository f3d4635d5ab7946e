# Shared helpers for the scripts in this directory. Source it; do not run it.
# Finds the newest JDK (release 21 or later) and exports JAVA_HOME and JAVA.

SWARM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIN_JAVA=21

_java_feature() {  # prints the feature release of the JDK home $1, or nothing
  # The JDK's `release` file says it without starting a JVM (which costs 0.1-0.2 s per candidate).
  local v="" line
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do   # plain bash: this runs before every start, for every candidate
      if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then v="${BASH_REMATCH[1]}"; break; fi
    done < "$1/release"
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1)
  fi
  echo "$v"
}

find_jdk() {
  local best="" best_v=0 cand v
  # A JDK, not a JRE: Chronicle Map compiles classes at run time and needs javac (jdk.compiler).
  for cand in ${SWARM_JAVA_HOME:-} ${JAVA_HOME:-} /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    v=$(_java_feature "$cand")
    [ -n "$v" ] || continue
    if [ "$v" -gt "$best_v" ]; then best="$cand"; best_v="$v"; fi
  done
  if [ -z "$best" ] || [ "$best_v" -lt "$MIN_JAVA" ]; then
    echo "error: no JDK $MIN_JAVA or newer found (looked at \$SWARM_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/*, /opt/java/*)." >&2
    echo "       newest found: ${best:-none} ${best_v:+(release $best_v)}" >&2
    echo "       install one, e.g. 'apt-get install openjdk-21-jdk-headless' (or Temurin 21+), or set SWARM_JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export JAVA="$best/bin/java"
  export JAVA_FEATURE="$best_v"
}

# JVM flags the tracker needs (Chronicle Map on JDK 17+, Netty on JDK 24+), from conf/jvm.options.
jvm_flags() {
  local f="$SWARM_ROOT/conf/jvm.options" line
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    line="${line#"${line%%[![:space:]]*}"}"   # trim, without a subprocess per line
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] || continue
    if [[ "$line" =~ ^jdk([0-9]+)\+:(.*)$ ]]; then   # "jdkNN+:flag" applies on JDK NN or newer
      [ "${JAVA_FEATURE:-0}" -ge "${BASH_REMATCH[1]}" ] && echo "${BASH_REMATCH[2]}"
    else
      echo "$line"
    fi
  done < "$f"
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 && return 0
  echo "error: Maven (mvn) not found; install it with 'apt-get install maven'." >&2
  return 1
}

# Builds the jars when a source file is newer than the jar (or the jar is missing).
# SWARM_NO_BUILD=1 skips the check (the integration tests run the freshly built jar).
build_if_needed() {
  local jar="$1"
  if [ "${SWARM_NO_BUILD:-0}" = 1 ]; then
    [ -f "$jar" ] && return 0
    echo "error: $jar is missing and SWARM_NO_BUILD=1 forbids building it" >&2
    return 1
  fi
  if [ -f "$jar" ] && [ -z "$(find "$SWARM_ROOT/pom.xml" "$SWARM_ROOT/tracker" "$SWARM_ROOT/peerbridge" \
        \( -path '*/target' -prune \) -o -type f -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  require_mvn || return 1
  echo "building (mvn package, tests skipped)..." >&2
  (cd "$SWARM_ROOT" && mvn -B -q -DskipTests package) >&2 || { echo "error: build failed" >&2; return 1; }
}

# JVM start-up cache for a jar, so a restart serves again sooner (class loading and linking dominate start-up):
# JDK 25+: an AOT cache (JEP 483/514) written at the exit of the first run after a build, used by later runs;
# JDK 19-24: an auto-created CDS archive. Kept beside the jar (target/), so a rebuild makes a new one.
# The JVM writes the cache at every exit, also of a run that stopped on a usage or config error (a cache of
# almost nothing); so the tracker marks a training run that got as far as serving (<cache>.ok, written after
# "tracker ready"), and only a marked cache is used; an unmarked one is trained again.
# SWARM_NO_AOT=1 turns it off.
# Writing the cache makes the JVM report on stdout, which belongs to the ready line: about 30 [warning][aot] lines
# (classes it skips) through its log, whose default output is stdout, and five lines on assembling the cache
# through its console. So its log goes to stderr (warnings and worse, as before) and so does its console output.
startup_cache_flags() {
  local jar="$1" base="${1%.jar}"
  [ "${SWARM_NO_AOT:-0}" = 1 ] && return 0
  if [ "${JAVA_FEATURE:-0}" -ge 25 ]; then
    # marker newer than the jar, cache newer than the marker (written at the exit of that same serving run)
    if [ -f "$base.aot.ok" ] && [ "$base.aot.ok" -nt "$jar" ] && [ -f "$base.aot" ] && [ "$base.aot" -nt "$base.aot.ok" ]; then
      echo "-XX:AOTCache=$base.aot"
    elif [ -w "$(dirname "$jar")" ]; then
      rm -f "$base.aot.ok"
      echo "-XX:AOTCacheOutput=$base.aot"
      echo "-Dtracker.startup-cache.marker=$base.aot.ok"
    else
      return 0
    fi
  elif [ "${JAVA_FEATURE:-0}" -ge 19 ] && [ -w "$(dirname "$jar")" ]; then
    echo "-XX:+AutoCreateSharedArchive"
    echo "-XX:SharedArchiveFile=$base.jsa"
  else
    return 0
  fi
  echo "-Xlog:disable"
  echo "-Xlog:all=warning:stderr"
  echo "-XX:+DisplayVMOutputToStderr"
}
