#!/usr/bin/env bash
# Fuzz the running service against its own OpenAPI schema: no 5xx, no response that breaks
# the schema, with every check schemathesis has and its stateful phase. Starts the API on SQLite with the demo data in a temporary folder, logs in as the
# demo admin, and runs a bounded number of examples per operation. Metrics are on, so every
# request also passes their middleware (/metrics itself is not in the schema).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${SCHEMATHESIS_EXAMPLES:-25}"
port="${SCHEMATHESIS_PORT:-8799}"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

cd "$work"
VOLUNTEER_LEDGER_LOGIN_FAILURES_PER_ACCOUNT=100000 \
VOLUNTEER_LEDGER_LOGIN_FAILURES_PER_ADDRESS=100000 \
VOLUNTEER_LEDGER_REGISTRATIONS_PER_ADDRESS=100000 \
VOLUNTEER_LEDGER_METRICS=true \
VOLUNTEER_LEDGER_METRICS_TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
  "$OLDPWD/.venv/bin/volunteer-ledger" serve --demo --port "$port" >server.log 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.5
done
password=$(awk '/log in as admin:/ {print $NF}' server.log)
token=$(curl -sf -X POST "http://127.0.0.1:$port/v1/auth/token" \
  -d "username=demo.admin&password=$password" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

eval "$("$OLDPWD/.venv/bin/python" "$OLDPWD/scripts/demo_ids.py" "http://127.0.0.1:$port" "$token")"
DEMO_CERTIFICATE=$(grep -o 'VC[0-9]\{13\}' server.log | head -1)
export DEMO_CERTIFICATE

# Logging out ends every token of the account, so it runs on its own, after everything else.
fuzz() {
  "$OLDPWD/.venv/bin/st" --config-file "$OLDPWD/scripts/schemathesis.toml" \
    run "http://127.0.0.1:$port/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --max-examples "$examples" --seed 20261129 --phases examples,coverage,fuzzing,stateful \
    --request-timeout 30 --workers 1 --no-color "$@" || { tail -50 server.log; exit 1; }
}
fuzz --exclude-path /v1/auth/logout
fuzz --include-path /v1/auth/logout
