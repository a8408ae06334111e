"""Ingest: evidence files into the graph.

``ingest_path`` takes a case-bundle folder (``shared/spec/bundle-format.md``) or a
FollowTheMoney JSON-lines file and loads it into a store, reporting every
rejected row with its file, line and reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from graph.errors import InputError
from graph.store.base import Store
from ingest.report import IngestReport, RejectsWriter

FTM_SUFFIXES = (".ftm.json", ".ijson", ".jsonl", ".ftm.jsonl")


def ingest_path(
    path: Path,
    store: Store,
    *,
    bundle: str | None = None,
    rejects: Path | None = None,
    strict: bool = False,
    chunk: int = 5_000,
    progress: Callable[[str, int], None] | None = None,
    mappings: Sequence[Path] = (),
    announce: Callable[[str, int | None], None] | None = None,
) -> IngestReport:
    """Load ``path`` into ``store``. Under ``strict`` nothing is written if any row is rejected.

    ``mappings``: column-mapping files for a bundle folder (``ingest.bundle._mapping``).
    ``progress(file, rows)`` after each chunk read; ``announce(step, total)`` each
    file's rows before reading and the steps after (``ingest.bundle.loader.Announce``).
    """
    from ingest.bundle.loader import load_bundle

    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    name = bundle or _default_name(path)
    rejects_path = rejects or Path.cwd() / f"{name}.rejects.csv"
    writer = RejectsWriter(rejects_path)
    try:
        if path.is_file():
            if not path.name.lower().endswith(FTM_SUFFIXES):
                known = ", ".join(FTM_SUFFIXES)
                raise InputError(f"{path}: not a bundle folder nor a FollowTheMoney file ({known})")
            from ingest.ftm import load_ftm

            report = load_ftm(path, store, bundle=name, rejects=writer, write=not strict)
            if strict and report.rejected_total == 0:
                report = load_ftm(path, store, bundle=name, rejects=None, write=True)
        elif strict:
            report = load_bundle(
                path,
                store,
                bundle=name,
                rejects=writer,
                write=False,
                chunk=chunk,
                progress=progress,
                mappings=mappings,
                announce=announce,
            )
            if report.rejected_total == 0:
                report = load_bundle(
                    path,
                    store,
                    bundle=name,
                    rejects=None,
                    write=True,
                    chunk=chunk,
                    progress=progress,
                    mappings=mappings,
                    announce=announce,
                )
        else:
            report = load_bundle(
                path,
                store,
                bundle=name,
                rejects=writer,
                chunk=chunk,
                progress=progress,
                mappings=mappings,
                announce=announce,
            )
    finally:
        writer.close()
    store.index_new_columns()  # a column of its own the load brought (Neo4j's extras index)
    report.rejects_file = str(writer.path) if writer.count else None
    return report


def _default_name(path: Path) -> str:
    name = path.resolve().name
    for suffix in FTM_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


__all__ = ["FTM_SUFFIXES", "IngestReport", "ingest_path"]
