"""The project's one database adapter: every database-specific statement lives here.

Domain code asks for writes and reads in model terms (``WriteChain``, ``capped_increment``,
``fetch_with_parent``); this module turns them into SQL, taking every column and value from
the model with the ORM's own conversions, so a new field cannot be forgotten in the SQL.
Anything that depends on the database vendor is decided here and nowhere else.
"""
import time
from functools import cache

from django.conf import settings
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


def _select_columns(model, alias: str) -> str:
    """``alias.col, …`` of every concrete field of ``model``, in ``_row_to_instance``'s order."""
    return ", ".join(f"{alias}.{column}" for _field, column, _cast in
                     _columns(model, connections[DEFAULT_DB_ALIAS].vendor)[1])


def _row_to_instance(model, values):
    """An instance of ``model`` from a row of ``_select_columns``, with the backend's and the
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
        # Not behind PgBouncer's transaction pooling (DB_PGBOUNCER): unprepared there.
        cursor.execute(query, params, prepare=settings.DB_PREPARE)
        row = cursor.fetchone()
    if connection.queries_logged:
        connection.queries_log.append({"sql": query, "time": f"{time.monotonic() - started:.3f}"})
    return row


def is_postgresql() -> bool:
    """Whether the default database is PostgreSQL (the fast write paths need it)."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def cast_store_default() -> str:
    """The dotted path of the cast store that suits the configured database."""
    return ("ballots.store.statement.OneStatementStore" if is_postgresql()
            else "ballots.store.orm.OrmStore")


def _quoted(model) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.get_field(name).column)


def capped_increment(model, *, key: dict, counter: str, limit: int) -> tuple[str, list]:
    """SQL counting one more in ``model``'s ``counter`` for the row ``key`` (created at 1),
    unless it has reached ``limit``; it returns a row only when it counted.

    One statement, the same on PostgreSQL and SQLite: simultaneous callers queue on the
    row and each re-checks the condition, so the limit cannot be passed.
    """
    table = _quoted(model)
    names = [_column(model, name) for name in key]
    column = _column(model, counter)
    sql = (f"INSERT INTO {table} ({', '.join(names)}, {column}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(names))}, 1) "
           f"ON CONFLICT ({', '.join(names)}) DO UPDATE SET {column} = {table}.{column} + 1 "
           f"WHERE {table}.{column} < %s RETURNING {column}")
    return sql, [*key.values(), limit]


def capped_increment_run(model, *, key: dict, counter: str, limit: int) -> bool:
    """Run ``capped_increment``; True when it counted."""
    return fetch_one(*capped_increment(model, key=key, counter=counter, limit=limit)) is not None


def fetch_with_parent(model, parent: str, **where):
    """The one ``model`` row matching ``where`` with its ``parent`` foreign key loaded, in
    one prepared query; None when there is none.

    What ``select_related(parent)`` does, without building the query anew for each of the
    thousands of voters who open a card each minute at the start of a vote.
    """
    field = model._meta.get_field(parent)
    parent_model = field.related_model
    conditions = " AND ".join(f"c.{_column(model, name)} = %s" for name in where)
    row = fetch_one(
        f"SELECT {_select_columns(model, 'c')}, {_select_columns(parent_model, 'p')} "  # noqa: S608
        f"FROM {_quoted(model)} c JOIN {_quoted(parent_model)} p "
        f"ON p.{_column(parent_model, field.target_field.name)} = c.{_column(model, parent)} "
        f"WHERE {conditions}", list(where.values()))
    if row is None:
        return None
    width = len(model._meta.concrete_fields)
    instance = _row_to_instance(model, row[:width])
    setattr(instance, parent, _row_to_instance(parent_model, row[width:]))
    return instance


def rows_update(objs: list, fields: list[str], where=None) -> set:
    """Write ``fields`` of the saved ``objs`` (one model), each row its own values, where
    the row still matches ``where`` (a ``Q`` on the model's own columns); return the
    primary keys of the rows written. A row another transaction is changing is waited
    for, and ``where`` checked on what it committed.

    On PostgreSQL one ``UPDATE … FROM unnest(…) WHERE … RETURNING``, one array per column:
    its text is the same for any number of rows, it takes microseconds a row to build
    (``bulk_update``'s CASE per field and row costs the ORM about a millisecond a row), and
    the condition, the lock and the write are one round trip. Elsewhere the rows are
    locked by a SELECT and written by ``bulk_update``.
    """
    if not objs:
        return set()
    model = type(objs[0])
    manager = model._default_manager
    rows = manager.filter(pk__in=[obj.pk for obj in objs])
    if where is not None:
        rows = rows.filter(where)
    if not is_postgresql():
        kept = set(rows.select_for_update().values_list("pk", flat=True))
        manager.bulk_update([obj for obj in objs if obj.pk in kept], fields)
        return kept
    connection = connections[DEFAULT_DB_ALIAS]
    condition, condition_params = "", []
    if where is not None:
        query = manager.filter(where).query
        if len(query.alias_map) > 1:
            raise ValueError(f"rows_update: {where} needs a join; only own columns")
        condition, condition_params = query.get_compiler(connection=connection).compile(
            query.where)
        condition = f" AND {condition}"
    pk = model._meta.pk
    chosen = [model._meta.get_field(name) for name in fields]
    table, key = _quoted(model), connection.ops.quote_name(pk.column)
    arrays = [f"CAST(%s AS {field.cast_db_type(connection)}[])" for field in [pk, *chosen]]
    params = [[pk.get_db_prep_value(obj.pk, connection) for obj in objs]]
    params += [[field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs]
               for field in chosen]
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = rows.c{index}"
                            for index, field in enumerate(chosen))
    aliases = ", ".join(["pk", *(f"c{index}" for index in range(len(chosen)))])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} "  # noqa: S608
                       f"FROM unnest({', '.join(arrays)}) AS rows({aliases}) "
                       f"WHERE {table}.{key} = rows.pk{condition} RETURNING {table}.{key}",
                       [*params, *condition_params])
        return {row[0] for row in cursor.fetchall()}


def _key_share_sql(model, pk, equals: dict) -> tuple[str, list]:
    conditions = "".join(f" AND {_column(model, f)} = %s" for f in equals)
    lock = " FOR KEY SHARE" if is_postgresql() else ""  # SQLite serialises writers anyway
    return (f"SELECT id FROM {_quoted(model)} WHERE id = %s{conditions}{lock}",  # noqa: S608
            [pk, *equals.values()])


def key_share_lock(model, *, pk, **equals) -> bool:
    """Lock row ``pk`` as a foreign key's check does (FOR KEY SHARE) if it has ``equals``,
    for the rest of the transaction; False when it does not have them.

    Django's foreign keys are checked at commit (deferred), too late to order a write
    against a writer that holds the row FOR UPDATE; this takes that lock first. It waits
    for such a writer, and then sees its committed values.
    """
    return fetch_one(*_key_share_sql(model, pk, equals)) is not None


class WriteChain:
    """Several writes as one PostgreSQL statement (data-modifying ``WITH`` parts): one round
    trip, all or nothing.

    Each part is named; ``after=`` makes a part write only if the named part returned a
    row, and ``ids=`` fills a column with the id another part returned. Only the id of a
    part is ever returned. The statement's text depends only on the parts, not on the
    values, so it is prepared once per connection.
    """

    def __init__(self):
        self._parts: list[str] = []
        self._params: list = []

    @staticmethod
    def _after(after: str | None) -> str:
        return f"EXISTS (SELECT 1 FROM {after})" if after else ""  # noqa: S608

    def lock_if(self, name: str, model, *, pk, **equals) -> None:
        """Take the foreign-key lock (FOR KEY SHARE) on row ``pk`` if it has ``equals``.

        The lock every insert referencing the row takes anyway, taken first: it waits for
        a writer holding the row FOR UPDATE and then sees that writer's committed values.
        """
        sql, params = _key_share_sql(model, pk, equals)
        self._parts.append(f"{name} AS ({sql})")
        self._params += params

    def capped_increment(self, name: str, model, *, key: dict, counter: str,
                         limit: int) -> None:
        """``capped_increment`` as a part: it returns a row only when it counted."""
        sql, params = capped_increment(model, key=key, counter=counter, limit=limit)
        self._parts.append(f"{name} AS ({sql})")
        self._params += params

    def update_if(self, name: str, model, *, pk, equals: dict, values: dict,
                  after: str | None = None) -> None:
        """Update row ``pk`` to ``values`` if it still has ``equals``."""
        assignments = ", ".join(f"{_column(model, f)} = %s" for f in values)
        conditions = "".join(f" AND {_column(model, f)} = %s" for f in equals)
        extra = f" AND {self._after(after)}" if after else ""
        self._parts.append(f"{name} AS (UPDATE {_quoted(model)} SET {assignments} "  # noqa: S608
                           f"WHERE id = %s{conditions}{extra} RETURNING id)")
        self._params += [*values.values(), pk, *equals.values()]

    def _id_exprs(self, ids: dict) -> dict:
        exprs = {}
        for attname, part in ids.items():
            as_text = attname.endswith(":text")
            attname = attname.removesuffix(":text")
            exprs[attname] = (f"(SELECT id FROM {part})" + ("::text" if as_text else ""), [])  # noqa: S608
        return exprs

    def insert(self, name: str, instance, *, after: str | None = None,
               ids: dict | None = None) -> None:
        """Insert the unsaved ``instance``; ``ids`` maps a field (``"x:text"`` for a text
        column) to the part whose id it takes."""
        sql, params = insert_select(instance, exprs=self._id_exprs(ids or {}),
                                    where=self._after(after), returning="id")
        self._parts.append(f"{name} AS ({sql})")
        self._params += params

    def insert_many(self, name: str, instances: list, *, after: str | None = None,
                    ids: dict | None = None) -> None:
        """Insert unsaved ``instances`` of one model, every column from each instance, as
        one ``unnest`` of one array per column (the text is the same for any count)."""
        model = type(instances[0])
        connection = connections[DEFAULT_DB_ALIAS]
        exprs = self._id_exprs(ids or {})
        table, columns = _columns(model, connection.vendor)
        names, values, arrays, aliases = [], [], [], []
        for index, (field, column, _cast) in enumerate(columns):
            if field.attname in exprs:
                values.append(exprs[field.attname][0])
            elif isinstance(field, AUTO_FIELDS):
                continue
            else:
                alias = f"c{index}"
                values.append(f"rows.{alias}")
                aliases.append(alias)
                arrays.append(f"CAST(%s AS {field.cast_db_type(connection)}[])")
                self._params.append([field.get_db_prep_save(field.pre_save(i, add=True),
                                                            connection) for i in instances])
            names.append(column)
        self._parts.append(
            f"{name} AS (INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM unnest({', '.join(arrays)}) "
            f"AS rows({', '.join(aliases)})"
            + (f" WHERE {self._after(after)}" if after else "") + " RETURNING id)")

    def run(self, select: str):
        """Run the statement and return the id the part ``select`` returned, or None.

        In autocommit the statement is its own transaction; inside the caller's, a
        savepoint keeps a failure (a PESEL that has voted) from spoiling it.
        """
        from django.db import transaction

        query = f"WITH {', '.join(self._parts)} SELECT id FROM {select}"  # noqa: S608
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.in_atomic_block:
            with transaction.atomic():
                row = fetch_one(query, self._params)
        else:
            row = fetch_one(query, self._params)
        return row[0] if row else None


# The audit table's guard (audit.migrations): rows are never deleted, and updated only once,
# by the chaining step, from unchained (no seq, no hash) to chained with nothing else changed.
_AUDIT_KEPT = ("stream", "created_at", "actor_id", "actor_label", "organisation_id", "action",
               "object_type", "object_id", "object_repr", "from_state", "to_state", "details")
_AUDIT_CHAINING = ("OLD.seq IS NULL AND NEW.seq IS NOT NULL AND OLD.hash = '' "
                   "AND NEW.hash <> '' AND " + " AND ".join(
                       f"NEW.{c} {{same}} OLD.{c}" for c in _AUDIT_KEPT))
AUDIT_GUARD_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION audit_auditrecord_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {_AUDIT_CHAINING.format(same="IS NOT DISTINCT FROM")} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
"""
AUDIT_GUARD_SQLITE = [
    "DROP TRIGGER IF EXISTS audit_auditrecord_no_update;",
    f"""CREATE TRIGGER audit_auditrecord_no_update BEFORE UPDATE ON audit_auditrecord
       WHEN NOT ({_AUDIT_CHAINING.format(same="IS")})
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
]


def audit_guard_install(schema_editor) -> None:
    """(Re)install the audit table's guard; SQLite drops triggers when it rebuilds a table."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_POSTGRESQL)
    elif vendor == "sqlite":
        for statement in AUDIT_GUARD_SQLITE:
            schema_editor.execute(statement)


def audit_guard_restore_after_rebuild(schema_editor) -> None:
    """Put the guard back after a migration rebuilt the table (SQLite only drops it)."""
    if schema_editor.connection.vendor == "sqlite":
        audit_guard_install(schema_editor)


def schema_sql_run(schema_editor, *, postgresql=(), sqlite=()) -> None:
    """Run a migration's statements for the database it migrates (triggers and functions
    written once per backend by the app that owns them); other backends run none."""
    statements = {"postgresql": postgresql, "sqlite": sqlite}.get(
        schema_editor.connection.vendor, ())
    for statement in [statements] if isinstance(statements, str) else statements:
        schema_editor.execute(statement)
