"""Writing model rows inside hand-written SQL, with the ORM's own conversions.

Used where several writes must travel as one statement (PostgreSQL's data-modifying
``WITH`` queries): each part still takes its columns and values from the model, so a new
field cannot be forgotten in the SQL.
"""
import time
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, BigAutoField, SmallAutoField

AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)
# Values written into the SQL text itself rather than sent as parameters. They hold no
# user data and take few forms, so a statement's text still varies little.
_LITERALS = {None: "NULL", True: "TRUE", False: "FALSE", "": "''"}


def insert_select(instance, *, exprs: dict[str, tuple[str, list]] | None = None,
                  source: str = "", where: str = "", returning: str = "") -> tuple[str, list]:
    """``INSERT INTO <table> (...) SELECT ... [FROM source] [WHERE ...]`` for the unsaved
    ``instance``.

    Each column's value is the instance's, prepared as ``save()`` would (``auto_now_add``
    included), unless ``exprs`` gives an SQL expression and its parameters for that
    column (by attribute name, e.g. ``"object_id"``). The automatic primary key is left to
    the database unless given.
    """
    exprs = exprs or {}
    # The connection itself, not django.db.connection: each use of that proxy looks the
    # connection up again, and the fields' conversions below use it dozens of times.
    connection = connections[DEFAULT_DB_ALIAS]
    table, columns = _columns(type(instance), connection.vendor)
    names, values, params = [], [], []
    for field, column, cast in columns:
        if field.attname in exprs:
            sql, sql_params = exprs[field.attname]
            values.append(sql)
            params.extend(sql_params)
        elif isinstance(field, AUTO_FIELDS):
            continue
        else:
            value = field.get_db_prep_save(field.pre_save(instance, add=True), connection)
            literal = _LITERALS.get(value) if type(value) in (bool, str, type(None)) else None
            if literal is not None:  # fewer parameters: psycopg caches a query with ≤ 50
                values.append(cast.replace("%s", literal))
            else:
                values.append(cast)
                params.append(value)
        names.append(column)
    sql = f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)}"
    if source:
        sql += f" FROM {source}"
    if where:
        sql += f" WHERE {where}"
    if returning:
        sql += f" RETURNING {returning}"
    return sql, params


@cache
def _columns(model, vendor: str) -> tuple[str, list]:
    """The quoted table and, per concrete field, its quoted column and typed placeholder:
    the same for every row of the model, so worked out once per database vendor."""
    connection = connections[DEFAULT_DB_ALIAS]
    return (connection.ops.quote_name(model._meta.db_table),
            [(field, connection.ops.quote_name(field.column),
              f"CAST(%s AS {field.cast_db_type(connection)})")
             for field in model._meta.concrete_fields])


def select_columns(model, alias: str) -> str:
    """``alias.col, …`` of every concrete field of ``model``, in ``row_to_instance``'s order."""
    return ", ".join(f"{alias}.{column}" for _field, column, _cast in
                     _columns(model, connections[DEFAULT_DB_ALIAS].vendor)[1])


def row_to_instance(model, values):
    """An instance of ``model`` from a row of ``select_columns``, with the backend's and the
    fields' converters applied as the ORM's compiler does (SQLite returns dates as text)."""
    connection = connections[DEFAULT_DB_ALIAS]
    converted = list(values)
    for i, (col, converters) in _converters(model, connection.vendor):
        for converter in converters:
            converted[i] = converter(converted[i], col, connection)
    return model.from_db(connection.alias, None, converted)


@cache
def _converters(model, vendor: str) -> list:
    connection = connections[DEFAULT_DB_ALIAS]
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        col = field.get_col(model._meta.db_table)
        converters = (connection.ops.get_db_converters(col)
                      + col.get_db_converters(connection))
        if converters:
            found.append((i, (col, converters)))
    return found


def fetch_one(query: str, params: list):
    """Run ``query`` and return its first row; on PostgreSQL as a prepared statement.

    Django's PostgreSQL cursors bind parameters in the client, so the server parses and
    plans every statement anew. For the statements of the voting rush, whose text is the
    same for every voter, a psycopg cursor binding on the server lets psycopg prepare them
    on first use and PostgreSQL plan them once per connection. Errors are Django's, and
    the statement is logged like any other (tests and ``bench/`` count queries).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchone()
    import psycopg

    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(query, params, prepare=True)
        row = cursor.fetchone()
    if connection.queries_logged:
        connection.queries_log.append({"sql": query, "time": f"{time.monotonic() - started:.3f}"})
    return row
