# Sourced by scripts/arraysock and scripts/demo: builds the CLI's runnable jar when it is
# missing or older than any source it is made of, then sets $cli_jar to its path.
# The jar (module cli/, maven-shade) carries the library, JNA, the C layer, picocli and Netty with the array transport.
cli_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli_jar="$cli_root/cli/target/arraysock-cli.jar"
if [ ! -f "$cli_jar" ] || [ -n "$(find "$cli_root/java/src/main" "$cli_root/cli/src/main" "$cli_root/netty/src/main" "$cli_root/native" \
        "$cli_root/pom.xml" "$cli_root/java/pom.xml" "$cli_root/netty/pom.xml" "$cli_root/cli/pom.xml" -newer "$cli_jar" -type f 2>/dev/null | head -1)" ]; then
    echo "arraysock: building (mvn -B -q -DskipTests package -pl cli -am)..." >&2
    (cd "$cli_root" && mvn -B -q -DskipTests package -pl cli -am) >&2
fi
