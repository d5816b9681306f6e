#!/usr/bin/env bash
# Regenerates the parts of the docs made from the code: docs/cli-help.md (the --help text of nnc
# and of each command). CliDocsTest fails when the file differs from what this would write.
# Usage: docs/regen.sh [extra Maven options, e.g. -Dmaven.repo.local=...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q "$@" -pl cli -am test -Dtest=CliDocsTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dnnc.regen=true
echo "docs/cli-help.md regenerated"
