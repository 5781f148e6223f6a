#!/usr/bin/env bash
# Fits, encodes and evaluates VQ/PQ/RQ models and semantic IDs on Beauty and GloVe with one build of the CLI, so
# that two builds can be compared file by file ("behaviour stays" checks of refactorings).
#   bench/compare-models.sh JAR_DIR OUT_DIR      (JAR_DIR holds distok-cli.jar and its lib/ folder)
#   cmp OLD/beauty-rq.codes.npy NEW/beauty-rq.codes.npy ...
# DATA (default ../shared/data/vectors) is where the two vector sets live; JAVA is a JDK 21+ java.
set -euo pipefail
J=$1
O=$2
mkdir -p "$O"
JAVA=${JAVA:-java}
D=${DATA:-"$(cd "$(dirname "$0")/.." && pwd)/../shared/data/vectors"}
run() { "$JAVA" --add-modules jdk.incubator.vector -jar "$J/distok-cli.jar" "$@" 2>&1 | grep -v '^WARNING' || true; }
for set in beauty glove; do
  if [ "$set" = beauty ]; then
    F=$D/amazon-beauty-s3rec-64d/Beauty_item_emb64.npy
    PQ="pq"
  else
    F=$D/glove-twitter-25d-12k/glove_twitter_25d_12k.fvecs
    PQ="pq --M 5"
  fi
  if [ ! -f "$F" ]; then
    echo "$F: not found (see bench/DATA.md for where the data sets come from)" >&2
    exit 1
  fi
  for m in "vq" "$PQ" "rq" "rq --beam 5" "rq --train-beam 3 --beam 3"; do
    tag=$set-$(echo "$m" | tr ' ' '_')
    # shellcheck disable=SC2086
    run quantize fit --method $m --input "$F" --out "$O/$tag.model" --seed 7 > "$O/$tag.fit.txt"
    run quantize encode --model "$O/$tag.model" --input "$F" --out "$O/$tag.codes.npy" > /dev/null
    run quantize eval --model "$O/$tag.model" --input "$F" --json "$O/$tag.eval.json" > /dev/null
  done
  run semantic-ids fit --input "$F" --out "$O/$set.sid" > "$O/$set.sid.txt"
done
