"""Backup of the whole platform: the database and the files of both storages, in one tar archive.

An archive holds, in this order:

- ``database.dump`` (``pg_dump --format=custom``) or ``database.sqlite3`` (a copy made by SQLite's backup API);
- ``files/<alias>/<name>``: every file of the ``private`` and ``public`` storages (``copy`` mode only; in
  ``manifest`` mode the files stay where they are, e.g. in a bucket with its own versioning);
- ``manifest.json``, last: engine, migration state, every file's size and SHA-256, and the row count of every
  table, all taken from the same snapshot as the dump.

This module writes it, and holds what ``core.restore`` shares with it (format, engine, database state, pg client).
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .storage import ALIASES, checksum, in_bucket, sha256, storage, walk

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
COPY = "copy"
LIST_ONLY = "manifest"
FILES_MODES = (COPY, LIST_ONLY)
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
TABLES_SQL = {
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = ANY(current_schemas(false)) ORDER BY tablename",
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
}


class BackupError(Exception):
    """What an operator is told when a backup or a restore cannot go on (or went wrong)."""


@dataclass
class BackupReport:
    path: Path
    size: int
    files: int
    files_mode: str
    tables: int
    rows: int
    vanished: list = field(default_factory=list)

    def line(self):
        kept = "copié(s)" if self.files_mode == COPY else "listé(s) sans être copié(s)"
        text = (
            f"Sauvegarde écrite : {self.path} ({megabytes(self.size)}), {self.files} fichier(s) {kept}, "
            f"{self.tables} table(s) ({self.rows} ligne(s))."
        )
        if self.vanished:
            text += f" Fichier(s) supprimé(s) pendant la sauvegarde, laissé(s) de côté : {len(self.vanished)}."
        return text


def megabytes(size):
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " Mo"


def default_path():
    return Path(settings.VAR_DIR) / "backups" / f"backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar"


def engine():
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(
            f"Moteur de base de données non pris en charge : {connection.vendor} (PostgreSQL ou SQLite uniquement)."
        )
    return connection.vendor


def backup(output, files_mode=COPY):
    """Write the archive at ``output`` (through a temporary name, never over an existing file)."""
    output = Path(output)
    if output.exists():
        raise BackupError(
            f"{output} existe déjà : choisissez un autre chemin (une sauvegarde n'écrase jamais un fichier)."
        )
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    vendor = engine()
    partial = output.with_name(f".{output.name}.partial")
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "files_mode": files_mode,
        "storages": {alias: location(alias) for alias in ALIASES},
    }
    vanished = []
    try:
        # The archive holds candidates' documents and personal data: readable by its owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "wb") as raw, tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                # The database first, then the files. A file is written before the row that names it and never
                # changed afterwards (random names), so every file a dumped row names is already in the storage
                # when the files are read; files that came later are merely extra.
                dump = Path(work) / DUMP_NAMES[vendor]
                migrations, tables = dump_postgresql(dump) if vendor == "postgresql" else dump_sqlite(dump)
                manifest["database"] = {
                    "engine": vendor,
                    "member": dump.name,
                    "size": dump.stat().st_size,
                    "sha256": file_sha256(dump),
                }
                manifest["migrations"] = migrations
                manifest["tables"] = tables
                add_path(tar, dump.name, dump)
                dump.unlink()
                manifest["files"] = {alias: store_files(tar, alias, files_mode, vanished) for alias in ALIASES}
                body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                add_stream(tar, MANIFEST, len(body), io.BytesIO(body))
            raw.flush()
            os.fsync(raw.fileno())
        if output.exists():
            raise BackupError(f"{output} est apparu pendant la sauvegarde : celle-ci n'est pas conservée.")
        os.rename(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(
        path=output,
        size=output.stat().st_size,
        files=sum(len(entries) for entries in manifest["files"].values()),
        files_mode=files_mode,
        tables=len(tables),
        rows=sum(tables.values()),
        vanished=vanished,
    )


def dump_postgresql(target):
    """pg_dump into ``target``, from a snapshot in which the migration state and row counts are read too."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            run_pg(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={connection.settings_dict['NAME']}",
            )
            state = database_state(cursor, "postgresql")
            cursor.execute("COMMIT")
    finally:
        raw.close()
    return state


def dump_sqlite(target):
    """A copy of the SQLite file by its online backup API: consistent even while the site writes."""
    name = str(connection.settings_dict["NAME"])
    if not Path(name).is_file():
        raise BackupError(f"La base SQLite {name} n'existe pas.")
    with closing(sqlite3.connect(name)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        # One self-contained file, whatever the site's journal mode.
        copy.execute("PRAGMA journal_mode=DELETE")
        with closing(copy.cursor()) as cursor:
            return database_state(cursor, "sqlite")


def database_state(cursor, vendor):
    """The latest applied migration of each app, and the number of rows of each table."""
    cursor.execute(TABLES_SQL[vendor])
    names = [row[0] for row in cursor.fetchall()]
    tables = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
        tables[name] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = dict(cursor.fetchall())
    return migrations, tables


def store_files(tar, alias, files_mode, vanished):
    """Every file of one storage as manifest entries, its bytes copied into the archive in ``copy`` mode."""
    store = storage(alias)
    entries = []
    for name in walk(store):
        try:
            size = store.size(name)
            stored = store.open(name, "rb") if files_mode == COPY else None
        except FileNotFoundError:
            vanished.append(f"{alias}/{name}")
            continue
        if stored is None:
            digest = checksum(store, name)
        else:
            with stored:
                reader = _Hashing(stored)
                add_stream(tar, f"files/{alias}/{name}", size, reader)
            digest = reader.digest.hexdigest()
        entries.append({"name": name, "size": size, "sha256": digest})
    return entries


def add_path(tar, member, path):
    with open(path, "rb") as source:
        add_stream(tar, member, path.stat().st_size, source)


def add_stream(tar, member, size, stream):
    info = tarfile.TarInfo(member)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, stream)


class _Hashing:
    """A file read through, its SHA-256 computed on the way."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def file_sha256(path):
    with open(path, "rb") as source:
        return sha256(source)


def run_pg(program, *arguments):
    """A PostgreSQL client program on the configured server; its error output becomes the operator's message."""
    db = connection.settings_dict
    command = [program, "--no-password", *arguments]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command.append(f"{option}={db[key]}")
    environment = dict(os.environ)
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    if db.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{program} n'est pas installé : installez le client PostgreSQL de la même version majeure que le serveur."
        ) from None
    if result.returncode:
        raise BackupError(f"{program} a échoué (code de sortie {result.returncode}) :\n{result.stderr.strip()}")


def location(alias):
    """Where a storage keeps its files, in words: a bucket's prefix or a folder."""
    store = storage(alias)
    return f"bucket {store.bucket_name}, préfixe {store.location}/" if in_bucket(alias) else str(store.location)
