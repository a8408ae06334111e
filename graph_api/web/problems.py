"""Errors as RFC 9457 problem details: the one place exceptions become HTTP answers.

::

    TelusurError           -> see STATUS below
    Problem                raised by the web layer itself (status chosen there)
    HTTPException          FastAPI/Starlette (404 route, 405 ...)
    RequestValidationError 422 with the offending fields, never the input values
    anything else          500, logged with its traceback, never shown

Every answer is worded in Bahasa Indonesia unless the request asks for English
(``?lang=en`` or ``Accept-Language``): :mod:`graph_api.web.problem_words`. The code
raises its problems in English; they are translated here, as the answer is made.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from graph.errors import (
    ConfigError,
    InputError,
    NotFound,
    QueryError,
    StoreUnavailable,
    TelusurError,
    ValidationError,
)
from graph_api.web import problem_words as words

log = logging.getLogger("telusur.web")
MEDIA = "application/problem+json"

STATUS: dict[type[TelusurError], tuple[int, str]] = {
    StoreUnavailable: (503, "store unavailable"),
    NotFound: (404, "not found"),
    InputError: (400, "unusable input"),
    QueryError: (400, "bad query"),
    ValidationError: (422, "does not fit the graph model"),
    ConfigError: (500, "server misconfigured"),
}


class Problem(Exception):
    """An HTTP problem raised by the web layer."""

    def __init__(
        self, status: int, title: str, detail: str = "", headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.headers = status, title, detail, headers


def language(request: Request, asked: str | None = None) -> str:
    """``id`` (Bahasa Indonesia, the default) or ``en``: ``asked`` (``?lang=``) wins, else
    the first of the two that ``Accept-Language`` prefers."""
    return preferred(request.headers.get("accept-language", ""), asked)


def preferred(accept_language: str, asked: str | None = None) -> str:
    """:func:`language` from the header's text and the ``lang`` asked for, if any."""
    if asked in ("id", "en"):
        return asked
    best, best_q = "id", 0.0
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        if base not in ("id", "en"):
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = base, q
    return best


def not_found(what: str = "resource") -> Problem:
    return Problem(404, "not found", f"no such {what}")


def problem_response(
    request: Request | None,
    status: int,
    title: str,
    detail: str = "",
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    lang = "id" if request is None else language(request, request.query_params.get("lang"))
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": words.title(title, lang),
        "status": status,
    }
    if detail:
        body["detail"] = words.detail(detail, lang)
    if request is not None:
        body["instance"] = request.url.path
        rid = getattr(request.state, "request_id", None)
        if rid:
            body["request_id"] = rid
    body.update(extra or {})
    return JSONResponse(
        body,
        status_code=status,
        media_type=MEDIA,
        headers={**(headers or {}), "Content-Language": lang},
    )


def _telusur(request: Request, exc: Exception) -> JSONResponse:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            status, title = STATUS[cls]
            break
    else:
        status, title = 500, "internal error"
    if status >= 500 and status != 503:
        log.error("request %s failed", request.url.path, exc_info=exc)
        return problem_response(request, status, title)
    if isinstance(exc, StoreUnavailable):
        log.warning("store unavailable: %s", exc)
        return problem_response(
            request,
            503,
            title,
            "the graph store cannot be reached; retry shortly",
            headers={"Retry-After": "5"},
        )
    return problem_response(request, status, title, str(exc)[:500])


def _problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(request, exc.status, exc.title, exc.detail, exc.headers)


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    titles = {404: "not found", 405: "method not allowed", 401: "unauthorized"}
    detail = exc.detail if isinstance(exc.detail, str) else ""
    return problem_response(
        request,
        exc.status_code,
        titles.get(exc.status_code, "error"),
        detail,
        headers=dict(exc.headers) if exc.headers else None,
    )


def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))[:200]}
        for e in exc.errors()[:20]
    ]
    return problem_response(request, 422, "invalid request", "see errors", extra={"errors": errors})


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return problem_response(request, 500, "internal error", "the error was logged")


def install(app: FastAPI) -> None:
    """Register every handler on ``app``."""
    app.add_exception_handler(TelusurError, _telusur)
    app.add_exception_handler(Problem, _problem)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Exception, _unexpected)
