#!/usr/bin/env bash
# README's first command: install what is missing, build, index the notes, start the chat server.
#   bash scripts/run.sh                  the bundled sample notes (data/)
#   bash scripts/run.sh ~/notes [MORE]   your own folders (or files): indexed into qabot.db and watched
# Options after the folders go to `qabot serve` (e.g. --port 9000, --host 0.0.0.0, --db my.db).
set -euo pipefail
here=$(pwd)
cd "$(dirname "$0")/.."
notes=()
while (($#)) && [[ $1 != -* ]]; do
  # Relative to where the command was typed, not to the project.
  if [[ $1 == /* ]]; then notes+=("$1"); else notes+=("$here/$1"); fi
  shift
done
((${#notes[@]})) || notes=(data)
db=(--db qabot.db)
for arg in "$@"; do [[ $arg == --db || $arg == --db=* ]] && db=(); done
scripts/install-deps.sh
scripts/build.sh qabot
echo "qabot: indexing ${notes[*]}, then open the URL below in a browser (Ctrl+C stops the server)"
exec ./build/qabot serve "${notes[@]}" "${db[@]}" "$@"
