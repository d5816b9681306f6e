#!/usr/bin/env bash
# Regenerates the parts of the docs made from the code: docs/cli-help.md (the --help text of nnc
# and of each command) and, in docs/cli.md, the outputs of the shown runs that do not depend on
# time or on files made for the doc. CliDocsTest and DocOutputsTest fail when the docs differ from
# what this would write; review the changes it makes with git diff.
# Usage: docs/regen.sh [extra Maven options, e.g. -Dmaven.repo.local=...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q "$@" -pl cli -am test -Dtest=CliDocsTest,DocOutputsTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dnnc.regen=true
echo "docs/cli-help.md and the shown runs of docs/cli.md regenerated"
