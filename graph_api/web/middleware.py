"""One ASGI middleware for every request: id, body limit, headers, audit entry.

The response is held until its audit entry is written (committed, together with the
entries of the requests finishing at the same moment: ``AuditLog`` group commit): a
request whose entry cannot be written is answered 503, so no look at the data goes
unrecorded. The entry goes to Propam's trail for Propam's requests and paths, to the
main trail otherwise (``Services.trail``).

An upload (``POST .../ingest``) is recorded twice: a ``"started"`` entry, committed
before the app reads a byte of the body, and the usual entry when it ends, naming the
first by its ``seq`` (``"started"``). A server killed in between leaves the first.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_api.web import problem_words as words
from graph_api.web.problems import preferred
from graph_api.web.services import Services

log = logging.getLogger("telusur.web")

#: for every response that does not set its own (the docs and web pages do)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
SECRET_PARAMS = frozenset({"password", "client_secret", "token", "access_token"})


def _problem(
    status: int, title: str, detail: str, rid: str, scope: Scope
) -> tuple[dict[str, Any], bytes]:
    """A problem answered here, before the app: worded as :mod:`graph_api.web.problems`
    words the app's (Bahasa Indonesia unless the request asks for English)."""
    headers = dict(scope.get("headers") or [])
    asked = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))).get("lang")
    lang = preferred(headers.get(b"accept-language", b"").decode("latin-1"), asked)
    body = json.dumps(
        {
            "type": "about:blank",
            "title": words.title(title, lang),
            "status": status,
            "detail": words.detail(detail, lang),
            "request_id": rid,
        }
    ).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            (b"content-language", lang.encode()),
        ],
    }
    return start, body


class TooLarge(Exception):
    pass


class GuardMiddleware:
    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        s = self.services.settings
        rid = secrets.token_hex(16)  # 32 hex digits, like uuid4().hex, without the UUID
        scope.setdefault("state", {})["request_id"] = rid
        path: str = scope["path"]
        limit = s.max_upload if path.endswith("/ingest") else s.max_body
        raw = scope["path"] + unquote(scope.get("query_string", b"").decode("latin-1"))
        bad_chars = any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        held: list[Message] = []
        status = 500
        too_large = False
        started: dict[str, Any] | None = None
        unrecorded = False
        if bad_chars:
            pass
        elif length is not None and (not length.isdigit() or int(length) > limit):
            too_large = True
        elif scope.get("method") == "POST" and path.rstrip("/").endswith("/ingest") and (
            (started := await self._started(scope, rid, headers)) is None
        ):
            unrecorded = True  # the upload's first entry could not be written: not run
        else:
            seen = 0

            async def limited() -> Message:
                nonlocal seen, too_large
                msg = await receive()
                if msg["type"] == "http.request":
                    seen += len(msg.get("body", b""))
                    if seen > limit:
                        too_large = True  # FastAPI may turn the raise into a 400
                        raise TooLarge
                return msg

            async def hold(msg: Message) -> None:
                held.append(msg)

            try:
                await self.app(scope, limited, hold)
            except TooLarge:
                too_large = True
        if unrecorded:
            start, body = _problem(503, "audit unavailable", "the request was not recorded", rid,
                                   scope)
            held = [start, {"type": "http.response.body", "body": body}]
        elif bad_chars:
            start, body = _problem(400, "bad request", "control characters in the URL", rid, scope)
            held = [start, {"type": "http.response.body", "body": body}]
        elif too_large:
            start, body = _problem(413, "payload too large", f"the limit is {limit} bytes", rid,
                                   scope)
            held = [start, {"type": "http.response.body", "body": body}]
        start_msg = next((m for m in held if m["type"] == "http.response.start"), None)
        if start_msg is None:
            start, body = _problem(500, "internal error", "no response", rid, scope)
            held = [start, {"type": "http.response.body", "body": body}]
            start_msg = start
        status = int(start_msg["status"])
        size = sum(len(m.get("body", b"")) for m in held if m["type"] == "http.response.body")
        record = self._record(scope, rid, status, size)
        if started is not None:
            record["started"] = started["seq"]
        try:
            await self.services.trail(self._whose(scope, record), path).append_async(record)
        except Exception:  # noqa: BLE001 - never answer without an audit entry
            log.exception("audit entry could not be written")
            start, body = _problem(503, "audit unavailable", "the request was not recorded", rid,
                                   scope)
            held = [start, {"type": "http.response.body", "body": body}]
            start_msg = start
        own = {k.lower() for k, _ in start_msg.get("headers", [])}
        start_msg["headers"] = [
            *start_msg.get("headers", []),
            *(h for h in self._headers(path, rid) if h[0] not in own),
        ]
        for m in held:
            await send(m)

    async def _started(
        self, scope: Scope, rid: str, headers: dict[bytes, bytes]
    ) -> dict[str, Any] | None:
        """The upload's first entry, committed before the app runs (``None`` when it could
        not be written). Who asks is read from the bearer token here (its signature and
        expiry checked); the final entry names the user the app authenticated."""
        record = self._record(scope, rid, "started", 0)
        auth = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = auth.partition(" ")
        claims = self.services.tokens.decode(token) if scheme.lower() == "bearer" else None
        record["user"], record["role"] = (claims.user, claims.role) if claims else (None, None)
        try:
            return await self.services.trail(record["role"], scope["path"]).append_async(record)
        except Exception:  # noqa: BLE001 - an upload never runs unrecorded
            log.exception("audit entry could not be written")
            return None

    def _whose(self, scope: Scope, record: dict[str, Any]) -> str | None:
        """The role whose trail the entry goes to: the requester's, or for a sign-in that
        failed, the role of the user it named (a Propam account's failed sign-ins are
        Propam's business, not the admin's)."""
        role: str | None = scope.get("state", {}).get("role")
        name = record["params"].get("username")
        if role is None and isinstance(name, str) and name:
            user = self.services.users.get(name)
            role = user.role if user is not None else None
        return role

    def _headers(self, path: str, rid: str) -> list[tuple[bytes, bytes]]:
        """Security headers; a page that sets its own CSP or frame policy keeps it."""
        return [
            (b"x-request-id", rid.encode()),
            (b"content-security-policy", API_CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cache-control", b"no-store"),
            (b"cross-origin-resource-policy", b"same-origin"),
        ]

    def _record(self, scope: Scope, rid: str, status: int | str, size: int) -> dict[str, Any]:
        state = scope.get("state", {})
        route = scope.get("route")
        params: dict[str, Any] = {}
        for k, v in (scope.get("path_params") or {}).items():
            params[k] = str(v)[:300]
        for k, v in parse_qsl(
            scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
        ):
            params[k[:50]] = "***" if k in SECRET_PARAMS else v[:300]
        params.update(state.get("audit_params", {}))
        template = getattr(route, "path_format", None)
        if template and scope["path"].startswith("/api/v1/") and not template.startswith("/api/"):
            template = "/api/v1" + template  # the matched route of the mounted router
        client = scope.get("client")
        return {
            "request_id": rid,
            "user": state.get("user"),
            "role": state.get("role"),
            "method": scope.get("method"),
            "route": template,
            "path": scope["path"][:500],
            "params": params,
            "status": status,
            "result_size": state.get("result_size"),
            "bytes": size,
            "client": client[0] if client else None,
        }
