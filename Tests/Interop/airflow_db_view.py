"""Reads or empties the metadata database of the Airflow in $AIRFLOW_HOME, through Airflow's own
models: what a running Airflow really holds after `airenv apply`.

Usage: airflow_db_view.py view | reset
  view   prints {"connections": {id: fields}, "variables": {key: value}} as JSON
  reset  deletes every connection and variable
"""
import json
import os
import sys

RESULT = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)

from airflow.models.connection import Connection  # noqa: E402
from connection_view import view  # noqa: E402
from airflow.models.variable import Variable  # noqa: E402
from airflow.utils.session import create_session  # noqa: E402


with create_session() as session:
    if sys.argv[1] == "reset":
        session.query(Connection).delete()
        session.query(Variable).delete()
        RESULT.write("{}")
    else:
        connections = {conn.conn_id: view(conn) for conn in session.query(Connection).all()}
        variables = {var.key: var.val for var in session.query(Variable).all()}
        RESULT.write(json.dumps({"connections": connections, "variables": variables}))
