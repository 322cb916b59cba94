#!/usr/bin/env bash
# Delivery benchmark (BENCHMARKS.md): starts a real Airflow 3.3.2 api-server on 127.0.0.1 in a
# temporary AIRFLOW_HOME, gives a Deployment 5,000 connections (each with a password and extras)
# and 5,000 variables, then times the release binary: apply to the empty Airflow, and plan of
# the in-sync Deployment (three runs). Needs `swift build -c release` and scripts/setup-airflow.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
airenv="$PWD/.build/release/airenv"
bin="$PWD/.airflow/3.3.2/bin"
count="${1:-5000}"
# PASSWORDS=0 leaves the connections without passwords: Airflow's API server slows down with
# every secret it has seen (BENCHMARKS.md), and this separates airenv's cost from that.
passwords="${PASSWORDS:-1}"
# PAGE_LIMIT raises the server's [api] maximum_page_limit (default 100): airenv asks for 1,000
# objects a page and strides by what the server returns.
if [[ -n "${PAGE_LIMIT:-}" ]]; then export AIRFLOW__API__MAXIMUM_PAGE_LIMIT="$PAGE_LIMIT"; fi
# WORKERS runs the api-server with that many worker processes (default 1).
workers="${WORKERS:-1}"
work=$(mktemp -d)
export AIRFLOW_HOME="$work/airflow" AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS='airenv:admin'
mkdir -p "$AIRFLOW_HOME"
echo '{"airenv":"airenv-pw"}' > "$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/airflow" db migrate > "$work/migrate.log" 2>&1
setsid "$bin/airflow" api-server --host 127.0.0.1 --port "$port" --workers "$workers" > "$work/server.log" 2>&1 < /dev/null &
server=$!
trap 'kill -TERM -- -$server 2>/dev/null; sleep 2; kill -KILL -- -$server 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/api/v2/version" > /dev/null; do sleep 0.5; done

export AIRENV_REPO="$work/repo" AIRENV_KEY_FILE="$work/key" AIRENV_USER=bench
python3 - "$work" "$count" "$passwords" <<'PY'
import json, sys
work, count, passwords = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
connections = {
    f"conn_{i:05d}": {"conn_type": "postgres", "host": f"db-{i}.example.com", "login": f"user{i}",
                      **({"password": f"p@ss:{i}/%#"} if passwords else {}), "port": 5432, "schema": "analytics",
                      "extra": {"sslmode": "require", "application_name": f"app{i}", "options": {"retries": i % 7}}}
    for i in range(count)}
variables = {f"var_{i:05d}": (json.dumps({"n": i, "tags": ["a", "b"]}) if i % 2 else f"value {i}") for i in range(count)}
json.dump(connections, open(f"{work}/connections.json", "w"))
json.dump(variables, open(f"{work}/variables.json", "w"))
PY
"$airenv" init > /dev/null
"$airenv" workspace create bench > /dev/null
"$airenv" deployment create prod > /dev/null
"$airenv" import "$work/connections.json" --format airflow-json --link-all > /dev/null
"$airenv" import "$work/variables.json" --format airflow-json --link-all > /dev/null
echo airenv-pw | "$airenv" target set prod --airflow-url "http://127.0.0.1:$port" --username airenv --password-stdin \
  --timeout 600 > /dev/null

seconds() {
  local start end
  start=$(date +%s%N)
  "$@" > "$work/out.log" 2>&1 || true
  end=$(date +%s%N)
  printf '%d.%03d' $(((end - start) / 1000000000)) $((((end - start) / 1000000) % 1000))
}
echo "apply of $count connections + $count variables to an empty Airflow 3.3.2: $(seconds "$airenv" apply --deployment prod --yes) s"
tail -1 "$work/out.log"
for run in 1 2 3; do
  echo "plan of the in-sync Deployment ($((2 * count)) objects), run $run: $(seconds "$airenv" plan --deployment prod) s"
done
tail -1 "$work/out.log"

# The server's share of a plan: the same listing, page by page, with curl and nothing else.
token=$(curl -sf -X POST "http://127.0.0.1:$port/auth/token" -H 'Content-Type: application/json' \
  -d '{"username":"airenv","password":"airenv-pw"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
list_all() {
  local kind offset=0 limit=${AIRFLOW__API__MAXIMUM_PAGE_LIMIT:-100}
  for kind in connections variables; do
    for ((offset = 0; offset < count; offset += limit)); do
      curl -sf -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port/api/v2/$kind?limit=$limit&offset=$offset" > /dev/null
    done
  done
}
echo "the same listing with curl, one page at a time: $(seconds list_all) s"
