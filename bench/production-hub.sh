# Sourced by the benchmarks that start a PostgreSQL hub themselves. Outside Development the hub refuses to start without
# what a real deployment has (README, "Fail-closed start" and "Cluster certificates"): the runtime login for the silo and
# the owner's for migrations, a strong operator key, an audit key and cluster certificates. Needs REPO and HUB_RUN_DIR.

# production_hub_env OPERATOR_KEY: prints the NAME=VALUE settings of such a hub, one per line, for `env`. The audit key
# and a development certificate set are made once per run folder.
production_hub_env() {
  local tls="$HUB_RUN_DIR/cluster-tls"
  [[ -f "$tls/ca.crt" ]] || dotnet "$HOST_DLL" cluster dev-certificates --out "$tls" >/dev/null
  [[ -s "$HUB_RUN_DIR/audit.key" ]] || (umask 077 && openssl rand -base64 32 >"$HUB_RUN_DIR/audit.key")
  printf '%s\n' \
    "ConnectionStrings__Postgres=$("$REPO/deploy/postgres.sh" env --role runtime)" \
    "ConnectionStrings__PostgresOwner=$("$REPO/deploy/postgres.sh" env --role owner)" \
    "Hub__Mode=Postgres" \
    "Hub__Operator__ApiKey=$1" \
    "Hub__Audit__KeyId=bench" \
    "Hub__Audit__Keys__bench=$(cat "$HUB_RUN_DIR/audit.key")" \
    "Hub__Cluster__Tls__CertificatePath=$tls/silo.crt" \
    "Hub__Cluster__Tls__KeyPath=$tls/silo.key" \
    "Hub__Cluster__Tls__CaCertificatePath=$tls/ca.crt" \
    "Hub__Cluster__AdvertisedAddress=127.0.0.1" \
    "DOTNET_ENVIRONMENT=Production"
}
