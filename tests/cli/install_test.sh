#!/usr/bin/env bash
# `cmake --install` puts a qabot that works anywhere: run from an unrelated directory, the installed
# binary answers with its compiled-in glossary ("what does batchnorm do" needs batchnorm = BN) and serves no
# absolute paths. Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/qabot"
test -f "$prefix/share/doc/qabot/LICENSE"
test -f "$prefix/share/qabot/systemd/qabot.service"
cd "$prefix"  # neither the project nor the build tree
"$prefix/bin/qabot" index "$src/data" --db "$prefix/q.db" -q
out=$("$prefix/bin/qabot" ask --db "$prefix/q.db" --json "what does batchnorm do")
echo "$out"
grep -q '"matched":true' <<<"$out" || { echo "install_test: the installed qabot did not use its built-in glossary" >&2; exit 1; }
grep -q '"source":"data/interview-notes.md:' <<<"$out" || { echo "install_test: source is not relative to the indexed root" >&2; exit 1; }
echo "install_test: ok"
