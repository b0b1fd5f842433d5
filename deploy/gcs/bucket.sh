#!/usr/bin/env bash
# The bucket Scribe records into: uniform access (IAM only, no object ACLs), public access
# prevented, a retention policy so no record can be deleted or replaced before it expires.
# Usage: PROJECT=example-project BUCKET=example-scribe-sessions REGION=europe-west1 deploy/gcs/bucket.sh
set -euo pipefail
: "${PROJECT:?}" "${BUCKET:?}" "${REGION:=europe-west1}" "${RETENTION:=400d}"

gcloud storage buckets create "gs://${BUCKET}" --project="${PROJECT}" --location="${REGION}" \
  --uniform-bucket-level-access --public-access-prevention --retention-period="${RETENTION}"

# The gateway's service account may create objects and read them back (verify, replay), and
# nothing more: no delete, no overwrite (the gateway never needs either).
gcloud storage buckets add-iam-policy-binding "gs://${BUCKET}" \
  --member="serviceAccount:scribe-gateway@${PROJECT}.iam.gserviceaccount.com" --role=roles/storage.objectCreator
gcloud storage buckets add-iam-policy-binding "gs://${BUCKET}" \
  --member="serviceAccount:scribe-gateway@${PROJECT}.iam.gserviceaccount.com" --role=roles/storage.objectViewer

# Bucket Lock, once the retention period is the one you want: IRREVERSIBLE. After it, the
# retention period can be raised but never lowered or removed, and the bucket cannot be
# deleted while it holds unexpired records. Run it by hand:
#   gcloud storage buckets update "gs://${BUCKET}" --lock-retention-period
