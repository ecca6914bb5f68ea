"""``backup`` and ``restore``: the demo rebuilt in an empty database with the same rows and files, on PostgreSQL
and SQLite, from folders and from a bucket; an archive that only lists the files; and what a restore refuses."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from contextlib import closing, contextmanager
from io import StringIO

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from core.storage import ALIASES, checksum, storage, walk
from events.models import Partner
from label.models import Candidature, Document
from tests.conftest import BASE_DIR, database_url


def folder_storage(location):
    return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(location)}}


def manage(*arguments, settings_module="config.settings_test", answer=None, **environment):
    """``manage.py`` in a process of its own, configured by ``environment`` (DATABASE_URL, storage…)."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, **environment},
        input=answer,
        capture_output=True,
        text=True,
        timeout=300,
    )


def error_of(result):
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stderr[result.stderr.index("CommandError: ") :].strip()


@contextmanager
def empty_database():
    """A new, empty PostgreSQL database on the test server; its URL."""
    name = f"lti_restore_{uuid.uuid4().hex[:12]}"
    server = database_url().rsplit("/", 1)[0]
    maintenance = psycopg2.connect(f"{server}/postgres")
    maintenance.autocommit = True
    try:
        with maintenance.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
    finally:
        with maintenance.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.close()


def postgres_rows(url):
    """The number of rows of every table of the database at ``url``."""
    with closing(psycopg2.connect(url)) as database, database.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def sqlite_rows(path):
    with closing(sqlite3.connect(path)) as database:
        tables = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {table: database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def stored_files():
    """``alias/name`` → SHA-256 of every file of this process's two storages."""
    return {f"{alias}/{name}": checksum(storage(alias), name) for alias in ALIASES for name in walk(storage(alias))}


def folder_files(*roots):
    """``alias/name`` → SHA-256 of every file under the folders given as ``(alias, root)``."""
    return {
        f"{alias}/{path.relative_to(root).as_posix()}": hashlib.sha256(path.read_bytes()).hexdigest()
        for alias, root in roots
        for path in root.rglob("*")
        if path.is_file()
    }


def bucket_files(bucket):
    return {key: hashlib.sha256(bucket.read(key)).hexdigest() for key in bucket.keys()}


def attach_files():
    """Documents on three demo candidatures and a partner's logo: rows that name files, as the site makes them."""
    for number, candidature in enumerate(Candidature.objects.order_by("reference")[:3]):
        body = f"%PDF-1.4 dossier {candidature.reference} {'x' * 5000 * number}".encode()
        Document.objects.create(
            candidature=candidature,
            file=ContentFile(body, name="dossier.pdf"),
            original_name="dossier.pdf",
            size=len(body),
            content_type="application/pdf",
        )
    partner = Partner.objects.order_by("name").first()
    partner.logo = ContentFile(b"\x89PNG\r\n\x1a\n logo", name="logo.png")
    partner.save(update_fields=["logo"])


@pytest.mark.postgres
def test_the_demo_restored_into_an_empty_database_has_the_same_rows_and_files(
    transactional_db, bucket, settings, tmp_path
):
    # Backed up from two folders, restored into the bucket's prefixes by a process configured as a server is.
    settings.STORAGES = {
        **settings.STORAGES,
        "private": folder_storage(tmp_path / "private"),
        "public": folder_storage(tmp_path / "public"),
    }
    call_command("seed_demo", force=True, stdout=StringIO())
    attach_files()
    source_files = stored_files()
    assert sorted(name.split("/", 2)[1] for name in source_files) == ["documents"] * 3 + ["logos"]
    archive = tmp_path / "backup.tar"
    output = StringIO()

    call_command("backup", output=str(archive), stdout=output)

    source_rows = postgres_rows(database_url())
    megabytes = f"{archive.stat().st_size / 1_000_000:.1f}".replace(".", ",")
    assert output.getvalue() == (
        f"Sauvegarde écrite : {archive} ({megabytes} Mo), 4 fichier(s) copié(s), "
        f"{len(source_rows)} table(s) ({sum(source_rows.values())} ligne(s)).\n"
    )
    with empty_database() as url:
        result = manage("restore", str(archive), "--no-input", DATABASE_URL=url, **bucket.environment)
        assert result.returncode == 0, result.stderr
        assert postgres_rows(url) == source_rows
    assert bucket_files(bucket) == source_files
    assert result.stdout.splitlines()[-3:] == [
        f"  Base de données : PostgreSQL {url.rsplit('/', 1)[1]}, {len(source_rows)} table(s) et "
        f"{sum(source_rows.values())} ligne(s), comme dans l'archive.",
        "  Fichiers : 4 écrit(s), 0 déjà présent(s), 4 vérifié(s) par leur empreinte.",
        "Restauration terminée.",
    ]


def test_a_sqlite_database_and_its_folders_round_trip(tmp_path):
    source = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite3'}",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
        "PUBLIC_MEDIA_ROOT": str(tmp_path / "public"),
    }
    target = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "restored-private"),
        "PUBLIC_MEDIA_ROOT": str(tmp_path / "restored-public"),
    }
    # The server's own settings, which read the folders from the environment (the tests' settings fix them).
    server = "config.settings"
    assert manage("migrate", "--no-input", settings_module=server, **source).returncode == 0
    (tmp_path / "private" / "documents").mkdir(parents=True)
    (tmp_path / "private" / "documents" / "a1b2").write_bytes(b"%PDF-1.4 private")
    (tmp_path / "public" / "logos").mkdir(parents=True)
    (tmp_path / "public" / "logos" / "c3d4.png").write_bytes(b"\x89PNG public")
    archive = tmp_path / "backups" / "site.tar"

    backed_up = manage("backup", "--output", str(archive), settings_module=server, **source)
    restored = manage("restore", str(archive), settings_module=server, answer="oui\n", **target)
    again = manage("restore", str(archive), "--no-input", settings_module=server, **target)

    assert backed_up.returncode == 0, backed_up.stderr
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.splitlines()[1:5] == [
        "La restauration va écrire dans :",
        f"  base de données : SQLite {tmp_path / 'restored.sqlite3'}",
        f"  fichiers du stockage private : {tmp_path / 'restored-private'}",
        f"  fichiers du stockage public : {tmp_path / 'restored-public'}",
    ]
    assert sqlite_rows(tmp_path / "restored.sqlite3") == sqlite_rows(tmp_path / "source.sqlite3")
    assert folder_files(
        ("private", tmp_path / "restored-private"), ("public", tmp_path / "restored-public")
    ) == folder_files(("private", tmp_path / "private"), ("public", tmp_path / "public"))
    assert error_of(again) == (
        f"CommandError: La base SQLite {tmp_path / 'restored.sqlite3'} existe déjà et n'est pas vide : une "
        "restauration ne remplit qu'une base neuve. Faites pointer DATABASE_URL vers un nouveau fichier (ou déplacez "
        "celui-ci) et relancez la restauration."
    )


@pytest.mark.postgres
def test_an_archive_listing_the_files_restores_against_the_bucket_and_reports_what_changed(db, bucket, tmp_path):
    names = {
        "private": storage("private").save("documents/a1b2", ContentFile(b"%PDF-1.4 one")),
        "public": storage("public").save("logos/c3d4.png", ContentFile(b"\x89PNG two")),
    }
    storage("private").save("documents/e5f6", ContentFile(b"%PDF-1.4 three"))
    archive = tmp_path / "listed.tar"
    call_command("backup", output=str(archive), files="manifest", stdout=StringIO())
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["database.dump", "manifest.json"]

    with empty_database() as url:
        intact = manage("restore", str(archive), "--no-input", DATABASE_URL=url, **bucket.environment)
    bucket.client.delete_object(Bucket=bucket.name, Key=f"private/{names['private']}")
    bucket.client.put_object(Bucket=bucket.name, Key=f"public/{names['public']}", Body=b"\x89PNG altered")
    with empty_database() as url:
        changed = manage("restore", str(archive), "--no-input", DATABASE_URL=url, **bucket.environment)

    assert intact.returncode == 0, intact.stderr
    assert (
        intact.stdout.splitlines()[-2] == "  Fichiers : 0 écrit(s), 0 déjà présent(s), 3 vérifié(s) par leur empreinte."
    )
    assert error_of(changed) == (
        "CommandError: La base de données est restaurée, mais les stockages ne correspondent pas à la sauvegarde "
        "(l'archive ne fait que lister les fichiers) : 1 fichier(s) absent(s), 1 différent(s).\n"
        f"  absent : private/{names['private']}\n"
        f"  contenu différent : public/{names['public']}"
    )


@pytest.mark.postgres
def test_restore_refuses_a_database_that_is_not_empty(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": folder_storage(tmp_path / "private"),
        "public": folder_storage(tmp_path / "public"),
    }
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=StringIO())

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), no_input=True, stdout=StringIO())

    tables = connection.introspection.table_names()
    assert str(refused.value) == (
        f"La base {connection.settings_dict['NAME']} n'est pas vide ({len(tables)} table(s)) : une restauration ne "
        "remplit qu'une base vide. Créez-en une (createdb NOUVEAU_NOM), faites pointer DATABASE_URL vers elle et "
        "relancez la restauration."
    )
    with pytest.raises(CommandError) as overwrite:
        call_command("backup", output=str(archive), stdout=StringIO())
    assert str(overwrite.value) == (
        f"{archive} existe déjà : choisissez un autre chemin (une sauvegarde n'écrase jamais un fichier)."
    )


@pytest.mark.postgres
def test_a_tampered_archive_is_refused_before_anything_is_restored(db, bucket, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": folder_storage(tmp_path / "private"),
        "public": folder_storage(tmp_path / "public"),
    }
    storage("private").save("documents/a1b2", ContentFile(b"%PDF-1.4 the original"))
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=StringIO())
    with tarfile.open(archive) as tar:
        member = tar.getmember("files/private/documents/a1b2")
        manifest = json.load(tar.extractfile("manifest.json"))
    with open(archive, "r+b") as raw:
        raw.seek(member.offset_data)
        raw.write(b"%PDF-1.4 the altered!")
    assert manifest["files"]["private"][0]["sha256"] == hashlib.sha256(b"%PDF-1.4 the original").hexdigest()

    with empty_database() as url:
        result = manage("restore", str(archive), "--no-input", DATABASE_URL=url, **bucket.environment)
        untouched = postgres_rows(url)

    assert error_of(result) == (
        f"CommandError: L'archive {archive} est endommagée (1 problème(s)) : rien n'a été restauré.\n"
        "  empreinte différente : files/private/documents/a1b2"
    )
    assert untouched == {}
    assert bucket.keys() == []
