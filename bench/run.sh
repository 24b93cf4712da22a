#!/usr/bin/env bash
# Builds bench/ and the modules it needs (package only: never install, other worktrees share ~/.m2) and runs
# DecodeBenchmark from the repository root. Arguments go to DecodeBenchmark: [packets] [--rounds=N] [--warmups=N]
# [--data=DIR] [--no-tools]. BENCH_JAVA_OPTS adds JVM options.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One reactor build: the sibling modules resolve to their target/ folders (nothing is looked up in ~/.m2, where a
# fresh machine has none of them). Every module writes the file in turn; bench, built last, leaves its classpath.
./mvnw -q -B -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$cp_file"
exec java ${BENCH_JAVA_OPTS:-} \
  -cp "bench/target/classes:capture/target/classes:schemas/target/classes:streams-app/target/classes:$(cat "$cp_file")" \
  org.ntpguard.bench.DecodeBenchmark "$@"
