#!/usr/bin/env bash
# Publishes a bank file as one tenant's bank on the FAQ topic: upserts for new or changed entries,
# tombstones for the tenant's entries the file no longer has. The running job picks them up live.
#
#   deploy/faq-publish.sh my-bank.jsonl --tenant cards                 # the broker of deploy/local.sh
#   deploy/faq-publish.sh my-bank.jsonl --tenant cards --bootstrap-servers broker1:9092 --topic faqs
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/common.sh

ensure_built
run_java dev.faqmatch.tools.FaqPublish "$@"
