"""Backup and restore of a whole installation: the database and the uploaded files.

A backup is one .tar file holding `manifest.json`, the database (`database.sqlite3`, an online
copy made with SQLite's backup API while the service runs; or `database.dump`, pg_dump's custom
format) and `files/` (MEDIA_ROOT: scans, signed forms, prepared downloads). It is written to a
temporary name beside PATH and renamed when complete, readable by its owner only.

Restore replaces the database and the files of the installation it runs in: SQLite through the
backup API into the live database, PostgreSQL with pg_restore in one transaction (a failed
restore changes nothing). Stop the web server and the worker first.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in Chinese."""


def _pg_env_args(db: dict) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict, what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"找不到 {command[0]}：请安装与数据库版本一致的 PostgreSQL 客户端"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[-500:]}")


def backup(path: str | Path) -> dict:
    """Write a backup of the installation to `path`; returns its manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".paicha-backup-") as work:
        work = Path(work)
        if connection.vendor == "sqlite":
            target = work / "database.sqlite3"
            connection.ensure_connection()
            destination = sqlite3.connect(target)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
            database = target.name
        elif connection.vendor == "postgresql":
            target = work / "database.dump"
            env, args = _pg_env_args(db)
            _run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    "--no-privileges",
                    *args,
                    "-f",
                    str(target),
                    str(db["NAME"]),
                ],
                env,
                "导出数据库",
            )
            database = target.name
        else:
            raise BackupError(f"不支持的数据库：{connection.vendor}")
        media = Path(settings.MEDIA_ROOT)
        files = (
            sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
            if media.exists()
            else []
        )
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "database": database,
            "created_at": timezone.now().isoformat(),
            "files": files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = path.with_name(path.name + ".partial")
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(target, arcname=database)
            for name in files:
                archive.add(media / name, arcname=f"files/{name}")
        os.replace(partial, path)
    return manifest


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件中有不安全的路径：{member.name}")
        members.append(member)
    return members


def restore(path: str | Path) -> dict:
    """Replace this installation's database and files with those of the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    with tempfile.TemporaryDirectory(prefix="paicha-restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(path) as archive:
                archive.extractall(work, members=_safe_members(archive), filter="data")
        except tarfile.TarError as exc:
            raise BackupError(f"{path} 不是有效的备份文件") from exc
        try:
            manifest = json.loads((work / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise BackupError(f"{path} 缺少备份说明（manifest.json），不是本系统的备份") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError("备份文件的格式版本不受支持")
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"该备份来自 {manifest['engine']} 数据库，当前系统使用 "
                f"{connection.vendor}，不能直接恢复"
            )
        source = work / manifest["database"]
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            origin = sqlite3.connect(source)
            try:
                origin.backup(connection.connection)
            finally:
                origin.close()
        else:
            db = connection.settings_dict
            connections.close_all()
            env, args = _pg_env_args(db)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    *args,
                    "-d",
                    str(db["NAME"]),
                    str(source),
                ],
                env,
                "恢复数据库",
            )
        media = Path(settings.MEDIA_ROOT)
        restored = work / "files"
        if media.exists():
            shutil.rmtree(media)
        media.mkdir(mode=0o700, parents=True, exist_ok=True)
        if restored.exists():
            shutil.copytree(restored, media, dirs_exist_ok=True)
        for directory, _, names in os.walk(media):
            os.chmod(directory, 0o700)
            for name in names:
                os.chmod(Path(directory) / name, 0o600)
    return manifest
