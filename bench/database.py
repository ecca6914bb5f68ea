"""The bench's own PostgreSQL database: one run at a time, created, migrated and reused while its data set matches."""

import hashlib
import zlib
from contextlib import contextmanager

import environ
import psycopg2
from psycopg2 import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lti_bench"
VERSION_TABLE = "bench_dataset"


class BenchDatabase:
    def __init__(self, url):
        self.url = url
        self.config = environ.Env.db_url_config(url)
        self.name = self.config["NAME"]
        if self.config["ENGINE"] != "django.db.backends.postgresql":
            raise SystemExit(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {url!r}.")
        # The bench drops and rebuilds it: a name without "bench" is probably someone's data.
        if "bench" not in self.name:
            raise SystemExit(f"BENCH_DATABASE_URL must name a database of its own, with 'bench' in its name: {url!r}.")

    def _connect(self, database):
        try:
            connection = psycopg2.connect(
                dbname=database,
                user=self.config["USER"] or None,
                password=self.config["PASSWORD"] or None,
                host=self.config["HOST"] or None,
                port=self.config["PORT"] or None,
                connect_timeout=5,
            )
        except psycopg2.OperationalError as error:
            raise SystemExit(f"PostgreSQL is not reachable for {self.url!r}: {error}") from None
        connection.autocommit = True
        return connection

    @contextmanager
    def exclusive(self):
        """Hold a lock for the whole run: two runs at once would reset each other's data and share the CPU."""
        connection = self._connect("postgres")
        key = zlib.crc32(f"lti-bench:{self.name}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                print(f"Another bench run holds {self.name}; waiting for it to finish…", flush=True)
                cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            connection.close()

    def exists(self):
        connection = self._connect("postgres")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            found = cursor.fetchone() is not None
        connection.close()
        return found

    def create(self):
        connection = self._connect("postgres")
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        connection.close()

    def drop(self):
        connection = self._connect("postgres")
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
        connection.close()

    def version(self):
        """The data set version recorded at the end of the last complete build, or None."""
        if not self.exists():
            return None
        connection = self._connect(self.name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [VERSION_TABLE])
            if cursor.fetchone()[0] is None:
                connection.close()
                return None
            cursor.execute(sql.SQL("SELECT version FROM {}").format(sql.Identifier(VERSION_TABLE)))
            row = cursor.fetchone()
        connection.close()
        return row[0] if row else None

    def record_version(self, version):
        connection = self._connect(self.name)
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE TABLE IF NOT EXISTS {} (version text NOT NULL, built_at timestamptz NOT NULL)").format(
                    sql.Identifier(VERSION_TABLE)
                )
            )
            cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(VERSION_TABLE)))
            cursor.execute(
                sql.SQL("INSERT INTO {} VALUES (%s, now())").format(sql.Identifier(VERSION_TABLE)), [version]
            )
        connection.close()

    def server_version(self):
        connection = self._connect("postgres")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        connection.close()
        return version


def migrations_digest():
    """A digest of this code's migrations: data built under other migrations is built again."""
    from django.db.migrations.loader import MigrationLoader

    nodes = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    return hashlib.sha256(repr(nodes).encode()).hexdigest()[:12]


def migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
