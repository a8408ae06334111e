"""One Settings object for the web service, read from the environment once.

It refuses to start with a missing, short or placeholder JWT secret unless
``TELUSUR_DEV=1``, which generates a throw-away secret and says so loudly.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from pathlib import Path

from pydantic import BaseModel, Field, PrivateAttr

from graph.errors import ConfigError
from graph.store import store_uri
from queries.protectors import Layers

log = logging.getLogger("telusur.web")

MIN_SECRET = 32
PLACEHOLDERS = (
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "xxx",
    "password",
    "default",
    "example",
    "telusur",
    "please",
    "todo",
    "replace",
    "dummy",
    "test",
)


def weak_secret(value: str | None, name: str = "TELUSUR_SECRET") -> str | None:
    """Why ``value`` cannot be the secret called ``name`` (the JWT secret, the audit
    key), or ``None`` when it can."""
    if not value:
        return f"{name} is not set"
    if len(value) < MIN_SECRET:
        return f"{name} is shorter than {MIN_SECRET} characters"
    if len(set(value)) < 8:
        return f"{name} looks like a placeholder"
    low = value.lower()
    found = [p for p in PLACEHOLDERS if p in low]
    if found:
        # A random secret may contain a short word by chance (a 64-character
        # token_urlsafe holds "xxx" about once in 500): refuse it only when what is left
        # without those words (letters and digits) is short or repetitive.
        rest = low
        for p in found:
            rest = rest.replace(p, "")
        rest = "".join(c for c in rest if c.isalnum())
        if len(rest) < MIN_SECRET or len(set(rest)) < 16:
            return f"{name} looks like a placeholder"
    return None


class Settings(BaseModel):
    """Everything the service is configured with (see docs/security.md)."""

    secret: str = Field(repr=False)
    #: keys the audit trail's MACs (``TELUSUR_AUDIT_KEY``; not the JWT secret, and held by
    #: none of the service's files)
    audit_key: str = Field(default="", repr=False)
    dev: bool = False
    store: str = "embedded:./telusur-data"
    state_dir: Path = Path("./telusur-data")
    #: where Propam's flags live: never the investigation store (``graph_api.web.flags``);
    #: empty means an embedded store in ``<state dir>/propam``
    propam_store: str = ""
    token_minutes: int = 15
    cors_origins: list[str] = []
    #: Requests per user (or per client address before login) per minute.
    rate_per_minute: int = 240
    login_per_minute: int = 10
    max_body: int = 64 * 1024
    max_upload: int = 50 * 1024 * 1024
    max_unzipped: int = 500 * 1024 * 1024
    max_ratio: int = 100
    max_members: int = 200
    cypher_timeout: float = 10.0
    cypher_rows: int = 1000
    query_timeout: float = 30.0
    #: keys of the whole-graph result cache (rankings per ring, flag ids, victims)
    cache_entries: int = Field(default=256, ge=1)
    #: seconds between the background warm-up's checks for a new store generation;
    #: 0 turns the warm-up off (then /readyz only checks the store)
    warm_interval: float = Field(default=1.0, ge=0, le=3600)
    #: protector rankings computed at the same time (by requests and the warm-up); the
    #: others wait their turn: on two cores many at once only slow each other down
    rank_concurrency: int = Field(default=2, ge=1, le=64)
    #: layers of the protector cache switched off (``TELUSUR_RANKING_OFF``: a comma list
    #: of ``groups``, ``moments``; to measure what each buys,
    #: :class:`queries.protectors.Layers`)
    ranking_off: str = ""
    #: worker processes serving this app (``telusur serve --workers``): with more than
    #: one the rate limits live in a file they share (``limits.sqlite``)
    workers: int = Field(default=1, ge=1)
    #: addresses (or networks, ``10.0.0.0/8``) of reverse proxies whose
    #: ``X-Forwarded-Proto`` is believed (``TELUSUR_TRUSTED_PROXIES``, comma separated):
    #: behind a proxy that terminates TLS, the session cookie is then ``Secure``
    trusted_proxies: list[str] = []
    _proxies: tuple[IPv4Network | IPv6Network, ...] = PrivateAttr(default=())

    @property
    def propam_uri(self) -> str:
        """The Propam store (``TELUSUR_PROPAM_STORE``, default ``embedded:<state>/propam``)."""
        return self.propam_store or f"embedded:{self.state_dir / 'propam'}"

    @property
    def users_db(self) -> Path:
        return self.state_dir / "users.sqlite"

    @property
    def audit_db(self) -> Path:
        return self.state_dir / "audit.sqlite"

    @property
    def propam_audit_db(self) -> Path:
        """Propam's own audit trail (``graph_api.web.audit.propam_activity``)."""
        return self.state_dir / "audit-propam.sqlite"

    @property
    def limits_db(self) -> Path:
        return self.state_dir / "limits.sqlite"

    @property
    def upload_dir(self) -> Path:
        """Uploaded bundles while their request runs (``graph_api.web.uploads``)."""
        return self.state_dir / "uploads"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, store: str | None = None
    ) -> Settings:
        """Read ``TELUSUR_*`` variables; :class:`ConfigError` on a weak secret."""
        env = os.environ if env is None else env
        dev = env.get("TELUSUR_DEV") == "1"
        secret = env.get("TELUSUR_SECRET", "")
        why = weak_secret(secret)
        if why is not None:
            if not dev:
                raise ConfigError(f"{why}; set a random value of 32+ characters")
            secret = secrets.token_urlsafe(48)
            log.warning(
                "DEVELOPMENT MODE: %s, generated a throw-away JWT secret; "
                "tokens die with this process. Never run like this in production.",
                why,
            )
        audit_key = env.get("TELUSUR_AUDIT_KEY", "")
        why = audit_key_problem(audit_key, secret)
        if why is not None:
            if not dev:
                raise ConfigError(why)
            audit_key = secrets.token_urlsafe(48)
            log.warning(
                "DEVELOPMENT MODE: %s, generated a throw-away audit key; the audit trail "
                "written now cannot be verified once this process ends (the next start "
                "sets it aside). Never run like this in production.",
                why,
            )
        uri = store_uri(store, env)
        return cls(
            secret=secret,
            audit_key=audit_key,
            dev=dev,
            store=uri,
            state_dir=state_dir(uri, env),
            propam_store=env.get("TELUSUR_PROPAM_STORE", ""),
            cors_origins=[o for o in env.get("TELUSUR_CORS_ORIGINS", "").split(",") if o],
            trusted_proxies=[
                p.strip() for p in env.get("TELUSUR_TRUSTED_PROXIES", "").split(",") if p.strip()
            ],
            workers=int(env.get("TELUSUR_WORKERS") or 1),
            warm_interval=_seconds(env, "TELUSUR_WARM_INTERVAL", 1.0),
            rank_concurrency=int(_seconds(env, "TELUSUR_RANK_CONCURRENCY", 2)),
            ranking_off=env.get("TELUSUR_RANKING_OFF", ""),
        )

    def model_post_init(self, _context: object) -> None:
        if not self.dev and weak_secret(self.secret) is not None:
            raise ConfigError(f"{weak_secret(self.secret)}; set a random value of 32+ characters")
        why = audit_key_problem(self.audit_key, self.secret)
        if why is not None:
            if not self.dev:
                raise ConfigError(why)
            self.audit_key = secrets.token_urlsafe(48)  # development: thrown away
        try:
            Layers.parse(self.ranking_off)
        except ValueError as exc:
            raise ConfigError(f"TELUSUR_RANKING_OFF: {exc}") from None
        try:
            self._proxies = tuple(ip_network(p, strict=False) for p in self.trusted_proxies)
        except ValueError as exc:
            raise ConfigError(f"TELUSUR_TRUSTED_PROXIES: {exc}") from None

    def trusts_proxy(self, address: str) -> bool:
        """Whether ``address`` (a client's IP address) is one of ``trusted_proxies``."""
        try:
            ip = ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self._proxies)


def audit_key_problem(key: str, secret: str) -> str | None:
    """Why ``key`` cannot be the audit key (``TELUSUR_AUDIT_KEY``), or ``None``."""
    why = weak_secret(key, "TELUSUR_AUDIT_KEY")
    if why is not None:
        return f"{why}; set a random value of 32+ characters, kept apart from the state folder"
    if key == secret:
        return "TELUSUR_AUDIT_KEY must not be TELUSUR_SECRET; set another random value"
    return None


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A number from the environment (seconds, or a count); ConfigError when it is not."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None


def state_dir(uri: str, env: Mapping[str, str]) -> Path:
    """``TELUSUR_STATE_DIR``, else the embedded store's folder, else ``./telusur-data``."""
    if env.get("TELUSUR_STATE_DIR"):
        return Path(env["TELUSUR_STATE_DIR"])
    if uri.startswith("embedded:") and uri[len("embedded:") :]:
        return Path(uri[len("embedded:") :])
    return Path("./telusur-data")
