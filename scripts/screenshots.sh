#!/usr/bin/env bash
# Makes screenshots/*.png from the real program: the demo Workspace in tmux, captured with
# its colours and rendered to PNG by scripts/ansi_to_png.py (Pillow, DejaVu Sans Mono).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || apt-get install -y -qq tmux
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || apt-get install -y -qq fonts-dejavu-core
venv=.screenshots-venv
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet pillow; }
swift build --product airenv >/dev/null
binary="$(swift build --show-bin-path)/airenv"
columns=120 rows=34 socket="airenv-shots-$$"
run() { tmux -L "$socket" -f /dev/null "$@"; }
trap 'run kill-server 2>/dev/null || true' EXIT
run new-session -d -s shots -x $columns -y $rows \
  "env -i HOME=/tmp TERM=xterm-256color LANG=C.UTF-8 AIRENV_USER=alice $binary tui --demo"
wait_for() { for _ in $(seq 100); do run capture-pane -p -t shots | grep -qF "$1" && return 0; sleep 0.05; done; echo "timed out: $1"; exit 1; }
shot() { run capture-pane -e -p -t shots > "screenshots/$1.ansi"
  "$venv/bin/python" scripts/ansi_to_png.py "screenshots/$1.ansi" "screenshots/$1.png" $columns $rows
  rm "screenshots/$1.ansi"; echo "screenshots/$1.png"; }
wait_for "warehouse_db"
run send-keys -t shots G; wait_for "Analytics warehouse"; shot connections
run send-keys -t shots m; wait_for "MATRIX"; run send-keys -t shots Right Right Right Right; shot matrix
run send-keys -t shots o; wait_for "Override warehouse_db on prod"; shot override-form
run send-keys -t shots Escape; wait_for "cancelled"; run send-keys -t shots m 3 Down Down Down Enter
wait_for "Resolved set of prod"; shot resolved-view
run send-keys -t shots Escape '?'; wait_for "Keys ("; shot help
