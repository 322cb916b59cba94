"""A connection's fields as the interop tests compare them (shared by airflow_view.py and
airflow_db_view.py)."""


def view(conn):
    return {
        "conn_type": conn.conn_type,
        "description": getattr(conn, "description", None),
        "host": conn.host,
        "schema": conn.schema,
        "login": conn.login,
        "password": conn.password,
        "port": conn.port,
        "extra": conn.extra_dejson,
    }
