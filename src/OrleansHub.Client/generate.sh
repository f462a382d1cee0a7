#!/usr/bin/env bash
# Regenerates Generated/ with Kiota (the repository's tool manifest), for the /v1 operations only, from agency-api.json:
# the hub's served document without its `servers` (they name whichever address served it).
#   src/OrleansHub.Client/generate.sh                          # from the checked-in agency-api.json
#   src/OrleansHub.Client/generate.sh http://localhost:5080    # first save the document that hub serves
# AgencyClientTests fails while agency-api.json differs from the document the hub serves.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
if [[ $# -gt 0 ]]; then
  curl -sSf "${1%/}/openapi/v1.json" | python3 -c '
import json, sys
document = json.load(sys.stdin)
document.pop("servers", None)
json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
print()' > "$here/agency-api.json"
fi
dotnet tool restore >/dev/null
KIOTA_UPDATE_DISABLED=true dotnet kiota generate --language CSharp --openapi "$here/agency-api.json" \
  --class-name AgencyApi --namespace-name OrleansHub.Client.Generated --output "$here/Generated" \
  --include-path "/v1/**" --exclude-backward-compatible --clean-output --log-level Warning
rm -f "$here/Generated/kiota-lock.json" "$here/Generated/.kiota.log"   # the generator's run (paths, hashes, warnings), not the client
