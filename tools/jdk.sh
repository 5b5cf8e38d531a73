# Finds the java binary of a JDK >= 25 on this machine; sourced by ./detsim (no fork on its every start) and by
# tools/find-jdk. Looks where maven-toolchains-plugin's discovery looks: JAVA_HOME, /usr/lib/jvm, /opt,
# ~/.sdkman, ~/.jdks, and the java on PATH. Shell builtins only, except for a java found on PATH.
# find_jdk: sets jdk_java and returns 0, or says in one line that there is none and returns 1.
jdk_min=25

# Succeeds if $1 is a JDK home whose release file says JAVA_VERSION="N..." with N >= jdk_min.
jdk_is_new() {
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -r "$1/release" ] || return 1
    while IFS= read -r jdk_line; do
        case $jdk_line in
            JAVA_VERSION=*)
                jdk_v=${jdk_line#JAVA_VERSION=\"}
                jdk_v=${jdk_v%%[!0-9]*}
                [ -n "$jdk_v" ] && [ "$jdk_v" -ge "$jdk_min" ]
                return
                ;;
        esac
    done < "$1/release"
    return 1
}

find_jdk() {
    for jdk_home in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/*jdk* /opt/java/* "${HOME:-/root}"/.sdkman/candidates/java/* \
        "${HOME:-/root}"/.jdks/*; do
        if [ -n "$jdk_home" ] && jdk_is_new "$jdk_home"; then
            jdk_java=$jdk_home/bin/java
            return 0
        fi
    done
    if command -v java >/dev/null 2>&1; then
        jdk_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        if jdk_is_new "$jdk_home"; then
            jdk_java=$jdk_home/bin/java
            return 0
        fi
    fi
    echo "detsim: needs a JDK $jdk_min or newer and found none (looked in JAVA_HOME, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks and PATH); install one, e.g. Temurin $jdk_min" >&2
    return 1
}
