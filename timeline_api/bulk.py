"""Many-row INSERTs and UPDATEs through the driver's executemany, for the loader.

peewee's insert_many builds each multi-row INSERT node by node in Python, which took
longer than the database took to run it; one prepared statement with many parameter
rows does the same writes, with the same value conversions (Field.db_value).
"""

from collections.abc import Sequence

from peewee import (
    AutoField,
    CharField,
    Field,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from timeline_api.models import database

BATCH = 5000  # parameter rows per executemany: bounded memory, few round trips


def _quoted(name: str) -> str:
    open_quote, close_quote = database.obj.quote[0], database.obj.quote[1]
    return f"{open_quote}{name}{close_quote}"


# Fields whose db_value gives back what the loader passes (str, int, float or None):
# converting each of millions of values through them was a third of a large load.
_STORED_AS_GIVEN = (AutoField, CharField, FloatField, IntegerField, TextField)


def _stored_as_given(f: Field) -> bool:
    """Whether `f` stores the loader's values unconverted; a foreign key is given the id."""
    if isinstance(f, ForeignKeyField):
        return type(f.rel_field) in _STORED_AS_GIVEN
    return type(f) in _STORED_AS_GIVEN


def _run(sql: str, fields: list, rows: list[Sequence]) -> None:
    converters = [(index, f.db_value) for index, f in enumerate(fields) if not _stored_as_given(f)]

    def parameters(row: Sequence) -> Sequence:
        if not converters:
            return row
        values = list(row)
        for index, convert in converters:
            values[index] = convert(values[index])
        return values

    cursor = database.obj.cursor()
    for start in range(0, len(rows), BATCH):
        cursor.executemany(sql, [parameters(row) for row in rows[start : start + BATCH]])


def insert_values(model: type[Model], names: list[str], rows: list[Sequence]) -> None:
    """Insert `rows`, each a sequence of the values of the fields `names`, in that order."""
    if not rows:
        return
    fields = [model._meta.fields[name] for name in names]
    columns = ", ".join(_quoted(f.column_name) for f in fields)
    placeholders = ", ".join([database.obj.param] * len(fields))
    sql = f"INSERT INTO {_quoted(model._meta.table_name)} ({columns}) VALUES ({placeholders})"
    _run(sql, fields, rows)


def insert_rows(model: type[Model], rows: list[dict]) -> None:
    """Insert `rows` (dicts of the same field names)."""
    if rows:
        names = list(rows[0])
        insert_values(model, names, [[row[name] for name in names] for row in rows])


def raw_rows(query) -> list[tuple]:
    """The rows of `query` as the driver returns them: for ids, slugs, digests and other
    values stored as given, peewee's per-row conversion (a million rows at 100,000
    events) is pure cost."""
    return database.execute(query).fetchall()


def update_rows(model: type[Model], rows: list[dict]) -> None:
    """Update rows by primary key: each dict holds the key and the same other field names."""
    if not rows:
        return
    key = model._meta.primary_key.name
    names = [name for name in rows[0] if name != key]
    fields = [model._meta.fields[name] for name in names]
    assignments = ", ".join(f"{_quoted(f.column_name)} = {database.obj.param}" for f in fields)
    sql = (
        f"UPDATE {_quoted(model._meta.table_name)} SET {assignments} "
        f"WHERE {_quoted(model._meta.primary_key.column_name)} = {database.obj.param}"
    )
    columns = [*names, key]
    _run(sql, [*fields, model._meta.primary_key], [[row[n] for n in columns] for row in rows])
