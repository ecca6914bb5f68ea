"""SQL aggregates Django lacks or gets wrong on SQLite: the median, and a sample standard deviation that is
NULL (not an error) for a single value, as on PostgreSQL."""

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Median"
    output_field = FloatField()
    template = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.template = "MEDIAN(%(expressions)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class SampleStdDev(Aggregate):
    function = "STDDEV_SAMP"
    name = "SampleStdDev"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="LTI_STDDEV_SAMP", **extra_context)


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        return statistics.median(self.values) if self.values else None


class _SqliteSampleStdDev(_SqliteMedian):
    def finalize(self):
        return statistics.stdev(self.values) if len(self.values) > 1 else None


def _register_sqlite_aggregates(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)
        connection.connection.create_aggregate("LTI_STDDEV_SAMP", 1, _SqliteSampleStdDev)


connection_created.connect(_register_sqlite_aggregates, dispatch_uid="auditions.sqlite_aggregates")
