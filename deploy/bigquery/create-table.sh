#!/usr/bin/env bash
# A BigQuery external table over the recorded batches (gzip NDJSON in the bucket): audit
# queries run on the store itself, nothing is copied. Each batch file starts with a header
# line (column `batch` set); records are the rows where `batch` IS NULL (view `exchanges`).
# Usage: PROJECT=example-project DATASET=scribe BUCKET=example-scribe-sessions PREFIX=prod deploy/bigquery/create-table.sh
set -euo pipefail
: "${PROJECT:?}" "${DATASET:?}" "${BUCKET:?}" "${PREFIX:=prod}"
here="$(cd "$(dirname "$0")" && pwd)"

bq --project_id="${PROJECT}" mk --dataset --if_exists "${DATASET}" 2>/dev/null || true
definition="$(mktemp)"
trap 'rm -f "$definition"' EXIT
cat >"$definition" <<JSON
{
  "sourceFormat": "NEWLINE_DELIMITED_JSON",
  "compression": "GZIP",
  "sourceUris": ["gs://${BUCKET}/${PREFIX}/batches/*"],
  "ignoreUnknownValues": false,
  "schema": { "fields": $(cat "${here}/schema.json") }
}
JSON
bq --project_id="${PROJECT}" mk --force --external_table_definition="$definition" "${DATASET}.batches"
bq --project_id="${PROJECT}" query --use_legacy_sql=false \
  "CREATE OR REPLACE VIEW \`${PROJECT}.${DATASET}.exchanges\` AS SELECT * EXCEPT (batch, name, instance, seq, prev, records, firstSeq, lastSeq, lastRecord, \`from\`, \`to\`, sha256) FROM \`${PROJECT}.${DATASET}.batches\` WHERE batch IS NULL"
