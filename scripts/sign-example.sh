#!/usr/bin/env bash
# Re-sign the example report with the EXAMPLE keys of its fictional gatekeepers (examples/keys/).
# Run after any edit to reports/2026-victim-updates/, then commit its signoffs/ folder.
# These keys are published: cjji accepts them only for the reports listed in example_reports in
# checks/gatekeepers.yml. Never use them for a real report.
set -euo pipefail
cd "$(dirname "$0")/.."
CJJI=${CJJI:-.venv/bin/cjji}
REPORT=reports/2026-victim-updates
KEYS=examples/keys
# a fresh clone checks the keys out readable by all; ssh-keygen uses a private key only if it is not
chmod 600 "$KEYS"/EXAMPLE-ONLY-* && chmod 644 "$KEYS"/EXAMPLE-ONLY-*.pub
rm -f "$REPORT"/signoffs/*.json "$REPORT"/signoffs/*.json.sig
sign() { "$CJJI" sign "$REPORT" --role "$1" --key "$KEYS/EXAMPLE-ONLY-$2"; }
sign chief-inspector-HMCPSI catherine.ellwood
sign chief-inspector-HMICFRS daniel.okafor
sign chief-inspector-HMIProbation priya.raman
sign qa-lead-HMCPSI helen.marsh
"$CJJI" status "$REPORT"
