#!/usr/bin/env bash
# Builds airenv and installs the binary, its themes, shell completions for bash, zsh and fish,
# and a man page generated from the command tree.
#   PREFIX=/usr/local (default)   where to install; DESTDIR is prepended, for packaging
#   CONFIGURATION=release         or debug (what the tests use, to reuse their build)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"
configuration="${CONFIGURATION:-release}"
root="${DESTDIR:-}$prefix"

# A release binary carries the Swift runtime and Foundation (every command is a new process,
# and loading them as 40 shared libraries took 11 of its 25 ms to start); libcurl is loaded
# only by the commands that talk to a server.
# The manual's plugin builds airenv its own way, so the binary is built after it.
swift package plugin generate-manual --configuration "$configuration" >/dev/null
manual=".build/plugins/GenerateManual/outputs/airenv/airenv.1"
static=()
if [ "$configuration" = release ]; then static=(--static-swift-stdlib); fi
swift build -c "$configuration" "${static[@]}" --product airenv
binary="$(swift build -c "$configuration" "${static[@]}" --show-bin-path)/airenv"

install -d "$root/bin" "$root/share/airenv/themes" "$root/share/man/man1" \
  "$root/share/bash-completion/completions" "$root/share/zsh/site-functions" \
  "$root/share/fish/vendor_completions.d"
install -m 0755 "$binary" "$root/bin/airenv"
install -m 0644 themes/*.json "$root/share/airenv/themes/"
install -m 0644 "$manual" "$root/share/man/man1/airenv.1"
# Through install(1) like the rest, so a restrictive umask (sudo) cannot make them private.
scripts=$(mktemp -d)
trap 'rm -rf "$scripts"' EXIT
for shell in bash zsh fish; do "$binary" --generate-completion-script "$shell" >"$scripts/$shell"; done
install -m 0644 "$scripts/bash" "$root/share/bash-completion/completions/airenv"
install -m 0644 "$scripts/zsh" "$root/share/zsh/site-functions/_airenv"
install -m 0644 "$scripts/fish" "$root/share/fish/vendor_completions.d/airenv.fish"
echo "installed airenv $("$root/bin/airenv" --version | cut -d' ' -f2) in $root"
