#!/usr/bin/env bash
# Run every atheris harness for SECONDS each (default 30). Seeds are cut from ../shared/data at
# run time into a temporary corpus directory (never into the repo). Findings (crash-* files) are
# written to $FUZZ_OUT (default: a temporary directory), and the script exits 1 if any exist.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$HERE")"
PY="${PYTHON:-$REPO/.venv/bin/python}"
SECS="${1:-30}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(csl_csv ofac_csv un_xml nsf_json dpl_txt ofac_xml ftm_json eu_xml uk_xml os_journal names)
fi
OUT="${FUZZ_OUT:-$(mktemp -d -t tradescreen-fuzz-XXXX)}"
mkdir -p "$OUT"
echo "fuzz: ${SECS}s per target, output in $OUT"
status=0
for t in "${TARGETS[@]}"; do
  corpus="$OUT/corpus-$t"
  rm -rf "$corpus"; mkdir -p "$corpus"
  "$PY" "$HERE/seeds.py" "$t" "$corpus" >/dev/null || { echo "$t: seeding failed"; status=1; continue; }
  if [ "$t" = names ]; then harness=("$HERE/fuzz_names.py"); else harness=("$HERE/fuzz_reader.py" "$t"); fi
  log="$OUT/$t.log"
  (cd "$OUT" && "$PY" "${harness[@]}" -max_total_time="$SECS" -rss_limit_mb=1024 \
      -max_len=65536 -artifact_prefix="$OUT/$t-" "$corpus" >"$log" 2>&1)
  rc=$?
  execs=$(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}' | tail -1)
  [ -z "$execs" ] && execs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  finds=$(ls "$OUT/$t-"crash-* "$OUT/$t-"timeout-* "$OUT/$t-"oom-* 2>/dev/null | wc -l)
  echo "$t: rc=$rc execs=${execs:-?} findings=$finds"
  if [ "$finds" -gt 0 ]; then
    status=1
    grep -m1 -A3 -E 'Uncaught Python exception|Error|Traceback' "$log" | head -8 | sed 's/^/    /'
  fi
done
exit $status
