"""Restore of the whole platform from an archive written by ``core.backup``.

Every member is checked against the manifest before anything is written; the database goes into an empty database
only, then the files back into their storages (or, for an archive that only lists them, a check that the storages
still hold them); row counts and checksums are compared with the manifest afterwards.
"""

import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .backup import COPY, ENGINE_NAMES, FORMAT_VERSION, MANIFEST, BackupError, database_state, engine, location, run_pg
from .storage import ALIASES, CHUNK_BYTES, checksum, sha256, storage

# How many names a failure lists before it only counts them.
LISTED = 20


@dataclass
class RestoreReport:
    engine: str
    database: str
    tables: int
    rows: int
    written: int
    present: int
    verified: int
    pending_migrations: int

    def lines(self):
        yield (
            f"Base de données : {ENGINE_NAMES[self.engine]} {self.database}, {self.tables} table(s) et "
            f"{self.rows} ligne(s), comme dans l'archive."
        )
        yield (
            f"Fichiers : {self.written} écrit(s), {self.present} déjà présent(s), "
            f"{self.verified} vérifié(s) par leur empreinte."
        )
        if self.pending_migrations:
            yield (
                f"Ce code a {self.pending_migrations} migration(s) pas encore appliquée(s) : lancez manage.py migrate."
            )


class Archive:
    """An archive opened for a restore, its manifest read and its format checked."""

    def __init__(self, path):
        self.path = Path(path)
        try:
            self.tar = tarfile.open(self.path, "r:")
        except (OSError, tarfile.TarError) as error:
            raise BackupError(f"{self.path} ne peut pas être lu comme une archive de sauvegarde : {error}") from None
        try:
            self.manifest = json.loads(self.tar.extractfile(MANIFEST).read())
        except (KeyError, ValueError, tarfile.TarError):
            self.tar.close()
            raise BackupError(
                f"{self.path} n'est pas une archive de sauvegarde, ou elle est tronquée : aucun manifeste lisible."
            ) from None
        if self.manifest.get("format") != FORMAT_VERSION:
            self.tar.close()
            raise BackupError(
                f"L'archive {self.path} est au format {self.manifest.get('format')!r} ; "
                f"ce code lit le format {FORMAT_VERSION}."
            )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.tar.close()

    @property
    def engine(self):
        return self.manifest["database"]["engine"]

    @property
    def files_mode(self):
        return self.manifest["files_mode"]

    def expected(self):
        """Every member the archive must hold, besides the manifest, with its size and SHA-256."""
        database = self.manifest["database"]
        expected = {database["member"]: (database["size"], database["sha256"])}
        if self.files_mode == COPY:
            for alias, entries in self.manifest["files"].items():
                for entry in entries:
                    expected[f"files/{alias}/{entry['name']}"] = (entry["size"], entry["sha256"])
        return expected

    def verify(self):
        """Read every member back against the manifest, before anything is restored."""
        expected = self.expected()
        found = {member.name: member for member in self.tar.getmembers() if member.name != MANIFEST}
        problems = [f"absent de l'archive : {name}" for name in expected if name not in found]
        problems += [f"absent du manifeste : {name}" for name in found if name not in expected]
        for name, member in found.items():
            if name not in expected:
                continue
            with self.tar.extractfile(member) as stream:
                digest = sha256(stream)
            if (member.size, digest) != expected[name]:
                problems.append(f"empreinte différente : {name}")
        if problems:
            raise BackupError(
                f"L'archive {self.path} est endommagée ({len(problems)} problème(s)) : rien n'a été restauré.\n"
                + listing(problems)
            )

    def open_member(self, name):
        return self.tar.extractfile(name)


def listing(lines):
    shown = [f"  {line}" for line in lines[:LISTED]]
    if len(lines) > LISTED:
        shown.append(f"  … et {len(lines) - LISTED} autre(s)")
    return "\n".join(shown)


def target_description():
    """Where a restore would write, for the operator to confirm."""
    vendor = ENGINE_NAMES.get(connection.vendor, connection.vendor)
    lines = [f"base de données : {vendor} {connection.settings_dict['NAME']}"]
    lines += [f"fichiers du stockage {alias} : {location(alias)}" for alias in ALIASES]
    return lines


def check_target(archive):
    """Refuse unless the archive's engine is the configured one and the configured database is empty."""
    vendor = engine()
    if archive.engine != vendor:
        raise BackupError(
            f"L'archive contient une base {ENGINE_NAMES[archive.engine]} ; la base configurée est "
            f"{ENGINE_NAMES[vendor]}."
        )
    name = connection.settings_dict["NAME"]
    if vendor == "sqlite":
        used = [path for path in (Path(name), Path(f"{name}-wal")) if path.exists() and path.stat().st_size]
        if used:
            raise BackupError(
                f"La base SQLite {name} existe déjà et n'est pas vide : une restauration ne remplit qu'une base "
                "neuve. Faites pointer DATABASE_URL vers un nouveau fichier (ou déplacez celui-ci) et relancez la "
                "restauration."
            )
        return
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"La base {name} n'est pas vide ({len(tables)} table(s)) : une restauration ne remplit qu'une base vide. "
            "Créez-en une (createdb NOUVEAU_NOM), faites pointer DATABASE_URL vers elle et relancez la restauration."
        )


def restore(archive):
    """The database, then the files, each checked against the manifest. ``check_target`` must have passed."""
    archive.verify()
    if archive.engine == "postgresql":
        restore_postgresql(archive)
    else:
        restore_sqlite(archive)
    tables = compare_counts(archive.manifest["tables"])
    written = present = 0
    if archive.files_mode == COPY:
        written, present = restore_files(archive)
    verified = verify_files(archive.manifest["files"], archive.files_mode)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return RestoreReport(
        engine=archive.engine,
        database=str(connection.settings_dict["NAME"]),
        tables=len(tables),
        rows=sum(tables.values()),
        written=written,
        present=present,
        verified=verified,
        pending_migrations=len(pending),
    )


def restore_postgresql(archive):
    member = archive.manifest["database"]["member"]
    with tempfile.TemporaryDirectory(prefix="lti-restore-") as work:
        dump = Path(work) / member
        with archive.open_member(member) as stream, open(dump, "wb") as target:
            shutil.copyfileobj(stream, target, CHUNK_BYTES)
        # One transaction: a failure leaves the database as empty as it was.
        run_pg(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        )


def restore_sqlite(archive):
    name = Path(connection.settings_dict["NAME"])
    name.parent.mkdir(parents=True, exist_ok=True)
    partial = name.with_name(f".{name.name}.partial")
    connection.close()
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with archive.open_member(archive.manifest["database"]["member"]) as stream, open(descriptor, "wb") as target:
            shutil.copyfileobj(stream, target, CHUNK_BYTES)
            target.flush()
            os.fsync(target.fileno())
        Path(f"{name}-shm").unlink(missing_ok=True)
        os.replace(partial, name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def compare_counts(expected):
    """The restored database's row counts, which must be the manifest's."""
    with connection.cursor() as cursor:
        _, tables = database_state(cursor, connection.vendor)
    if tables != expected:
        differences = [
            f"{name} : {expected.get(name, 'table absente')} dans l'archive, "
            f"{tables.get(name, 'table absente')} après restauration"
            for name in sorted(set(expected) | set(tables))
            if expected.get(name) != tables.get(name)
        ]
        raise BackupError("La base restaurée diffère de l'archive :\n" + listing(differences))
    return tables


def restore_files(archive):
    """Each file of the archive saved through its storage under its own name; one already there is kept."""
    written = present = 0
    clashes = []
    for alias, entries in archive.manifest["files"].items():
        store = storage(alias)
        for entry in entries:
            name = entry["name"]
            if store.exists(name):
                if checksum(store, name) == entry["sha256"]:
                    present += 1
                else:
                    clashes.append(f"{alias}/{name} : déjà présent avec un autre contenu")
                continue
            with archive.open_member(f"files/{alias}/{name}") as stream:
                content = File(stream, name=name)
                content.size = entry["size"]
                saved = store.save(name, content)
            if saved != name:
                store.delete(saved)
                clashes.append(f"{alias}/{name} : le stockage l'aurait enregistré sous le nom {saved}")
                continue
            written += 1
    if clashes:
        raise BackupError(
            "La base de données est restaurée, mais des fichiers n'ont pas pu être restaurés sous leur propre nom :\n"
            + listing(clashes)
        )
    return written, present


def verify_files(files, files_mode):
    """Every file of the manifest read back from its storage, its SHA-256 compared; the number verified."""
    missing, altered, verified = [], [], 0
    for alias, entries in files.items():
        store = storage(alias)
        for entry in entries:
            try:
                digest = checksum(store, entry["name"])
            except FileNotFoundError:
                missing.append(f"{alias}/{entry['name']}")
                continue
            if digest != entry["sha256"]:
                altered.append(f"{alias}/{entry['name']}")
                continue
            verified += 1
    if missing or altered:
        where = (
            "les fichiers de l'archive ont été réécrits"
            if files_mode == COPY
            else "l'archive ne fait que lister les fichiers"
        )
        problems = [f"absent : {name}" for name in missing] + [f"contenu différent : {name}" for name in altered]
        raise BackupError(
            f"La base de données est restaurée, mais les stockages ne correspondent pas à la sauvegarde ({where}) : "
            f"{len(missing)} fichier(s) absent(s), {len(altered)} différent(s).\n" + listing(problems)
        )
    return verified
