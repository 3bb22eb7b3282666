#!/usr/bin/env bash
# Reads every file of a spreadsheet corpus with the release binary and checks
# that bilag survives it: exit 0 with valid JSON on stdout, or exit 1 with a
# message on stderr. A panic, an abort, a signal, a hang (30 s) or memory
# beyond 2 GB fails the sweep.
#
#   scripts/corpus-sweep.sh ../shared/corpus/calamine-tests [target/release/bilag]
set -u
dir=${1:?usage: corpus-sweep.sh DIR [BINARY]}
bin=${2:-target/release/bilag}
[ -x "$bin" ] || { echo "corpus-sweep: $bin is not built (cargo build --release)" >&2; exit 2; }
ok=0; rejected=0; failed=0; n=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
for f in "$dir"/*; do
  [ -f "$f" ] || continue
  n=$((n+1))
  ( ulimit -v 2097152; exec timeout 30 "$bin" inspect --json "$f" ) >"$tmp/out" 2>"$tmp/err"
  rc=$?
  name=$(basename "$f")
  if [ $rc -eq 0 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" 2>/dev/null; then
    ok=$((ok+1))
  elif [ $rc -eq 1 ] && [ -s "$tmp/err" -o -s "$tmp/out" ] && ! grep -q "panicked" "$tmp/err"; then
    rejected=$((rejected+1))
    printf '  afvist  %-45s %s\n' "$name" "$(head -c 160 "$tmp/err" | tr '\n' ' ')"
  else
    failed=$((failed+1))
    printf '  FEJL    %-45s exit %s: %s\n' "$name" "$rc" "$(head -c 300 "$tmp/err" | tr '\n' ' ')"
  fi
done
end=$(date +%s.%N)
printf 'corpus sweep: %d files, %d read, %d rejected with a message, %d failed, %.2f s\n' \
  "$n" "$ok" "$rejected" "$failed" "$(echo "$end - $start" | bc)"
[ "$failed" -eq 0 ]
