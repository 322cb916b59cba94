#!/usr/bin/env bash
# Creates the virtual environments with real Airflow that the interop tests load exports
# with: .airflow/3.3.2 and .airflow/2.10.5 inside the clone (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
for version in 3.3.2 2.10.5; do
  venv=".airflow/$version"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import airflow, dotenv, yaml" 2>/dev/null; then
    continue
  fi
  echo "setup-airflow: installing apache-airflow==$version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "apache-airflow==$version" python-dotenv pyyaml
done
