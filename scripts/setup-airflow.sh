#!/usr/bin/env bash
# Creates the virtual environments with real Airflow that the interop tests load exports
# with: .airflow/3.3.2 and .airflow/2.10.5 inside the clone (ignored by git). The two are
# installed side by side: most of each is waiting on the network, and CI pays for it every run.
set -euo pipefail
cd "$(dirname "$0")/.."
pids=()
versions=()
for version in 3.3.2 2.10.5; do
  venv=".airflow/$version"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import airflow, dotenv, yaml" 2>/dev/null; then
    continue
  fi
  echo "setup-airflow: installing apache-airflow==$version into $venv"
  mkdir -p .airflow
  (
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "apache-airflow==$version" python-dotenv pyyaml
  ) >".airflow/install-$version.log" 2>&1 &
  pids+=($!)
  versions+=("$version")
done
failed=0
for index in "${!pids[@]}"; do
  if ! wait "${pids[$index]}"; then
    echo "setup-airflow: installing apache-airflow==${versions[$index]} failed:"
    cat ".airflow/install-${versions[$index]}.log"
    failed=1
  fi
done
exit $failed
