#!/usr/bin/env bash
# Rebuilds ../kaz.automorf.hfstol (surface form -> lemma<tags>) from the Apertium sources beside this file.
# Needs the HFST command-line tools (Debian package `hfst`); about 25 s on two cores.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
grep -v -e 'Err/Orth' apertium-kaz.kaz.lexc > "$tmp/kaz.lexc"      # the normative lexicon, as upstream's Makefile
hfst-twolc -q apertium-kaz.kaz.twol -o "$tmp/twol.hfst"
hfst-lexc -q "$tmp/kaz.lexc" -o "$tmp/lexc.hfst"
hfst-compose-intersect -1 "$tmp/lexc.hfst" -2 "$tmp/twol.hfst" | hfst-minimise -o "$tmp/gen.hfst"
hfst-invert "$tmp/gen.hfst" | hfst-fst2fst -w -o ../kaz.automorf.hfstol
echo "built ../kaz.automorf.hfstol"
