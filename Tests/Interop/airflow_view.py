"""Prints, as JSON, what real Airflow sees in a file airenv exported.

Usage: airflow_view.py FORMAT PATH IDS_JSON
  FORMAT    airflow-json | airflow-yaml | airflow-env | env | shell-environ | airflow-settings | uri | k8s-secret
  PATH      the export directory (file pairs) or file
  IDS_JSON  {"connections": [...], "variables": [...]}: the ids to look up where the
            format is read by lookup (environment variables)

Every value goes through Airflow's own readers: LocalFilesystemBackend, EnvironmentVariablesBackend,
Connection(uri=...). airflow_settings.yaml is not read by Airflow itself; it is turned into
Connection objects the way the Astro CLI does (conn_extra serialised as JSON).
"""
import base64
import json
import os
import sys
import tempfile

# Airflow logs to stdout; keep the real stdout for the result and send the rest to stderr.
RESULT = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp())
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")

from airflow.models.connection import Connection  # noqa: E402
from connection_view import view  # noqa: E402


def local_filesystem(connections_path, variables_path):
    from airflow.secrets.local_filesystem import LocalFilesystemBackend, load_connections_dict, load_variables

    backend = LocalFilesystemBackend(connections_file_path=connections_path, variables_file_path=variables_path)
    connections = {cid: view(backend.get_connection(cid)) for cid in load_connections_dict(connections_path)}
    variables = {key: backend.get_variable(key) for key in load_variables(variables_path)}
    return connections, variables


def environment(ids):
    from airflow.secrets.environment_variables import EnvironmentVariablesBackend

    backend = EnvironmentVariablesBackend()
    connections = {}
    for cid in ids["connections"]:
        conn = backend.get_connection(cid)
        connections[cid] = None if conn is None else view(conn)
    variables = {key: backend.get_variable(key) for key in ids["variables"]}
    return connections, variables


def main():
    fmt, path, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if fmt in ("airflow-json", "airflow-yaml", "airflow-env"):
        ext = {"airflow-json": "json", "airflow-yaml": "yaml", "airflow-env": "env"}[fmt]
        connections, variables = local_filesystem(f"{path}/connections.{ext}", f"{path}/variables.{ext}")
    elif fmt == "env":
        from dotenv import dotenv_values

        for key, value in dotenv_values(path).items():
            os.environ[key] = value
        connections, variables = environment(ids)
    elif fmt == "shell-environ":
        connections, variables = environment(ids)
    elif fmt == "airflow-settings":
        import yaml

        with open(path, encoding="utf-8") as handle:
            settings = yaml.safe_load(handle)["airflow"]
        connections = {}
        for entry in settings.get("connections") or []:
            extra = entry.get("conn_extra")
            conn = Connection(
                conn_id=entry["conn_id"],
                conn_type=entry.get("conn_type"),
                host=entry.get("conn_host"),
                schema=entry.get("conn_schema"),
                login=entry.get("conn_login"),
                password=entry.get("conn_password"),
                port=entry.get("conn_port"),
                extra=json.dumps(extra) if isinstance(extra, dict) else extra,
            )
            connections[entry["conn_id"]] = view(conn)
        # The Astro CLI skips a variable whose value is empty.
        variables = {
            v["variable_name"]: v["variable_value"] for v in settings.get("variables") or [] if v.get("variable_value")
        }
    elif fmt == "uri":
        connections = {}
        with open(path, encoding="utf-8") as handle:
            for line in handle.read().splitlines():
                cid, uri = line.split("\t", 1)
                connections[cid] = view(Connection(conn_id=cid, uri=uri))
        variables = {}
    elif fmt == "k8s-secret":
        import yaml

        with open(path, encoding="utf-8") as handle:
            secret = yaml.safe_load(handle)
        assert secret["kind"] == "Secret" and secret["apiVersion"] == "v1", secret
        mount = tempfile.mkdtemp()
        for name, data in secret["data"].items():
            with open(os.path.join(mount, name), "wb") as handle:
                handle.write(base64.b64decode(data))
        connections, variables = local_filesystem(f"{mount}/connections.json", f"{mount}/variables.json")
    else:
        raise SystemExit(f"unknown format {fmt}")
    json.dump({"connections": connections, "variables": variables}, RESULT, sort_keys=True)
    RESULT.flush()


if __name__ == "__main__":
    main()
