#!/usr/bin/env bash
# The main job: set up the embedded offline model, translate the seed article with the
# glossary, print the English, and score it against the human reference.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh offline
mkdir -p out
.venv/bin/tarjama translate seeds/esa-jaxa-partnership.ar.txt -o out/esa-jaxa-partnership.en.txt
printf '\n'; cat out/esa-jaxa-partnership.en.txt; printf '\n'
.venv/bin/tarjama score out/esa-jaxa-partnership.en.txt \
  --ref references/esa-jaxa-partnership.en.txt \
  --src seeds/esa-jaxa-partnership.ar.txt --glossary references/glossary.tsv \
  --report-dir out/report
