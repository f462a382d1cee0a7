#!/usr/bin/env bash
# Regenerates Generated/ from the document the hub serves (agency-api.json beside this script, which the
# contract test keeps equal to /openapi/v1.json): only the /v1 operations, with Kiota from the repository's tool manifest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
dotnet tool restore >/dev/null
KIOTA_UPDATE_DISABLED=true dotnet kiota generate --language CSharp --openapi "$here/agency-api.json" \
  --class-name AgencyApi --namespace-name OrleansHub.Client.Generated --output "$here/Generated" \
  --include-path "/v1/**" --exclude-backward-compatible --clean-output --log-level Warning
rm -f "$here/Generated/kiota-lock.json" "$here/Generated/.kiota.log"   # the generator's run (paths, hashes, warnings), not the client
