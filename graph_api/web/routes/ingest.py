"""``POST /ingest``: a zipped case bundle, with the CLI's semantics and report.

What an answer says was written is what was written:

- an upload refused (413, 400: a hostile or damaged zip, a file that cannot be
  read) writes nothing: the zip is checked whole, and every file parsed, before the
  first row is written (``ingest.bundle.loader``);
- ``strict`` with rejected rows writes nothing and answers 422, with the per-file
  counts of the report;
- an error after writing began (the store went away) answers that error with
  ``written``: the nodes and relationships committed before it. Uploading the same
  bundle again completes the ingest, as with the CLI.

The upload is unpacked into a private folder removed when the request ends
(:mod:`graph_api.web.uploads`); no answer names a path of this machine.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from graph.errors import TelusurError
from graph.store.base import Store
from graph_api.web import problem_words as words
from graph_api.web.deps import IngestCtx
from graph_api.web.problems import STATUS, Problem, language, problem_response
from graph_api.web.routes._common import problems
from graph_api.web.schemas import IngestResult
from graph_api.web.unzip import safe_extract
from graph_api.web.uploads import upload_folder
from ingest.bundle.loader import load_bundle
from ingest.report import IngestReport, RejectsWriter

log = logging.getLogger("telusur.web")

router = APIRouter(tags=["ingest"], responses=problems(413, 422))
BUNDLE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
#: the strict refusal's title and detail, and what an error after writing began adds
#: to its detail (the answer translates them: graph_api.web.problem_words)
REFUSED = ("rows rejected", "strict: rows were rejected, nothing was written")
PARTLY = (
    "part of the bundle was written before this error (see written); "
    "upload the same bundle again to complete it"
)


@router.post("/ingest", response_model=IngestResult, summary="Load a zipped case bundle")
def ingest(
    ctx: IngestCtx,
    request: Request,
    file: Annotated[UploadFile, File(description="the bundle folder, zipped")],
    bundle: Annotated[str, Form(max_length=40, examples=["polres-tulungagung"])],
    strict: Annotated[bool, Form()] = False,
) -> Any:
    """Load a zipped bundle; rejected rows are counted per file in the report.

    ``strict``: nothing is written if any row is rejected (422, with the counts).
    """
    params: dict[str, Any] = {
        "bundle": bundle,
        "strict": strict,
        "filename": (file.filename or "")[:200],
    }
    request.state.audit_params = params
    if not BUNDLE.match(bundle):
        raise Problem(400, "unusable input", "bundle names are a-z 0-9 _ - (max 40)")
    s = ctx.services.settings
    written = IngestReport(bundle=bundle)
    with upload_folder(s.upload_dir) as work:
        try:
            archive = work / "upload.zip"
            _receive(file, archive, s.max_upload)
            folder = safe_extract(
                archive,
                work / "bundle",
                max_total=s.max_unzipped,
                max_ratio=s.max_ratio,
                max_members=s.max_members,
            )
            report = ctx.call(
                lambda st: _load(
                    folder,
                    st,
                    bundle=bundle,
                    strict=strict,
                    rejects=work / "rejects.csv",
                    written=written,
                )
            )
        except Exception as exc:
            params["written"] = _counts(written)
            if _anything(written):
                ctx.wrote()
                return _partly_written(request, exc, written, work)
            if isinstance(exc, TelusurError):
                raise type(exc)(_scrub(str(exc), work)) from exc
            raise
    params["written"] = _counts(report) if report.written else None
    # the reasons files were skipped in the reader's language (?lang=, Accept-Language)
    out_json = report.to_json(language(request, request.query_params.get("lang")))
    out_json["rejects_file"] = None
    if not report.written:  # strict, and rows were rejected
        title, detail = REFUSED
        return problem_response(request, 422, title, detail, extra={"report": out_json})
    ctx.wrote()
    request.state.result_size = sum(report.nodes.values())
    return out_json


def _receive(file: UploadFile, archive: Path, limit: int) -> None:
    """Copy the upload to ``archive``; 413 beyond ``limit`` bytes."""
    size = 0
    with open(archive, "wb") as out:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise Problem(413, "payload too large", f"the limit is {limit} bytes")
            out.write(chunk)


def _load(
    folder: Path,
    store: Store,
    *,
    bundle: str,
    strict: bool,
    rejects: Path,
    written: IngestReport,
) -> IngestReport:
    """``ingest_path`` for a bundle folder, filling ``written`` as batches commit."""
    writer = RejectsWriter(rejects)
    try:
        if strict:
            dry = load_bundle(folder, store, bundle=bundle, rejects=writer, write=False)
            if dry.rejected_total:
                return dry
            return load_bundle(folder, store, bundle=bundle, report=written)
        return load_bundle(folder, store, bundle=bundle, rejects=writer, report=written)
    finally:
        writer.close()


def _counts(report: IngestReport) -> dict[str, dict[str, int]]:
    return {"nodes": dict(report.nodes), "relationships": dict(report.relationships)}


def _anything(report: IngestReport) -> bool:
    """Whether a batch of the ingest committed (created or updated something)."""
    return any(report.nodes[k] or report.relationships[k] for k in ("created", "updated"))


def _partly_written(
    request: Request, exc: Exception, written: IngestReport, work: Path
) -> JSONResponse:
    """The error that stopped an ingest part way, with what it had written."""
    status, title, detail = 500, "internal error", ""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            status, title = STATUS[cls]
            detail = _scrub(str(exc), work)[:300]
            break
    if status == 503:
        detail = "the graph store cannot be reached; retry shortly"
    if status >= 500:
        log.error("ingest failed after writing part of %s", written.bundle, exc_info=exc)
    if status == 500:
        detail = ""
    lang = language(request, request.query_params.get("lang"))
    detail = "; ".join(words.detail(d, lang) for d in (detail, PARTLY) if d)
    headers = {"Retry-After": "5"} if status == 503 else None
    return problem_response(
        request, status, title, detail, headers=headers, extra={"written": _counts(written)}
    )


def _scrub(text: str, work: Path) -> str:
    """``text`` without the upload folder's path (nor the folder above it)."""
    for folder in {str(work.resolve()), str(work)}:
        text = text.replace(folder + "/bundle/", "").replace(folder + "/", "")
        text = text.replace(folder, "upload")
    for folder in {str(work.parent.resolve()), str(work.parent)}:
        text = text.replace(folder, "uploads")
    return text
