"""Hand-written SELECTs read into model instances as the ORM reads them, for the few statements where building
the query again at each request costs more than running it (a deadline's hundreds of submissions a minute).

The statement is written once per process from the models' ``_meta`` (``columns``); each row is cut into one
part per model and each value goes through the converters the ORM would apply (``Reader``), so the instances
are the ones a queryset would give.
"""

from django.db import connection


def column(model, name):
    """The column of ``model``'s field ``name``, qualified by its table's name."""
    quote = connection.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"


def columns(model):
    """Every concrete column of ``model``, in field order, qualified by its table's name."""
    return ", ".join(column(model, field.name) for field in model._meta.concrete_fields)


class Reader:
    """Turns rows whose columns are ``columns(model)`` of each of ``models`` in turn into instances of each.

    Made once per process and database vendor: the converters depend on the database's driver.
    """

    def __init__(self, db, *models):
        self.db = db
        self.parts = []
        start = 0
        for model in models:
            fields = model._meta.concrete_fields
            converters = []
            for index, field in enumerate(fields):
                column = field.get_col(model._meta.db_table)
                found = db.ops.get_db_converters(column) + column.get_db_converters(db)
                if found:
                    converters.append((index, found, column))
            attnames = [field.attname for field in fields]
            key = attnames.index(model._meta.pk.attname)
            self.parts.append((model, start, len(fields), attnames, key, converters))
            start += len(fields)

    def read(self, row):
        """One instance per model; None for a model whose primary key is NULL (an outer join found nothing)."""
        found = []
        for model, start, width, attnames, key, converters in self.parts:
            values = list(row[start : start + width])
            if values[key] is None:
                found.append(None)
                continue
            for index, functions, column in converters:
                value = values[index]
                for function in functions:
                    value = function(value, column, self.db)
                values[index] = value
            found.append(model.from_db(self.db.alias, attnames, values))
        return found
