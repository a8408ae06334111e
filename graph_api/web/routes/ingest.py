"""``POST /ingest``: a zipped case bundle, with the CLI's semantics and report."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from graph_api.web.deps import IngestCtx
from graph_api.web.problems import Problem
from graph_api.web.routes._common import problems
from graph_api.web.unzip import safe_extract
from ingest import ingest_path

router = APIRouter(tags=["ingest"], responses=problems(413))
BUNDLE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


@router.post("/ingest", response_model=dict[str, Any])
def ingest(
    ctx: IngestCtx,
    request: Request,
    file: Annotated[UploadFile, File(description="the bundle folder, zipped")],
    bundle: Annotated[str, Form(max_length=40, examples=["polres-tulungagung"])],
    strict: Annotated[bool, Form()] = False,
) -> Any:
    """Load a zipped bundle; rejected rows are counted per file in the report."""
    request.state.audit_params = {
        "bundle": bundle,
        "strict": strict,
        "filename": (file.filename or "")[:200],
    }
    if not BUNDLE.match(bundle):
        raise Problem(400, "unusable input", "bundle names are a-z 0-9 _ - (max 40)")
    s = ctx.services.settings
    work = Path(tempfile.mkdtemp(prefix="telusur-upload-"))
    try:
        archive = work / "upload.zip"
        size = 0
        with open(archive, "wb") as out:
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > s.max_upload:
                    raise Problem(413, "payload too large", f"the limit is {s.max_upload} bytes")
                out.write(chunk)
        folder = safe_extract(
            archive,
            work / "bundle",
            max_total=s.max_unzipped,
            max_ratio=s.max_ratio,
            max_members=s.max_members,
        )
        report = ctx.call(
            lambda st: ingest_path(
                folder, st, bundle=bundle, strict=strict, rejects=work / "rejects.csv"
            )
        )
        ctx.wrote()
        out_json = report.to_json()
        out_json["rejects_file"] = None
        request.state.result_size = sum(report.nodes.values())
        return out_json
    finally:
        shutil.rmtree(work, ignore_errors=True)
