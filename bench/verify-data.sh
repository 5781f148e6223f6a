#!/usr/bin/env bash
# Checks local copies of the benchmark data sets against bench/data.sha256.
# Usage: bench/verify-data.sh [DATA_DIR]   (default: ../shared/data beside the checkout)
# Prints one line per file (OK, MISMATCH or ABSENT) and exits 1 when a present file does not match.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${1:-"$here/../../shared/data"}
if [ ! -d "$data" ]; then
  echo "verify-data: $data: no such folder; give the folder that holds kg/, graphs/, vectors/ and recsys/" >&2
  exit 2
fi
bad=0
absent=0
while read -r sum file; do
  [ -n "$file" ] || continue
  if [ ! -f "$data/$file" ]; then
    echo "ABSENT    $file"
    absent=$((absent + 1))
    continue
  fi
  actual=$(sha256sum "$data/$file" | cut -d' ' -f1)
  if [ "$actual" = "$sum" ]; then
    echo "OK        $file"
  else
    echo "MISMATCH  $file (sha256 $actual, expected $sum)"
    bad=$((bad + 1))
  fi
done < "$here/data.sha256"
echo "verify-data: $bad mismatched, $absent absent, in $data"
[ "$bad" -eq 0 ]
