"""Password hashes (argon2id) and short-lived JWT bearer tokens (HS256)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("reskrim", "propam", "analyst", "admin")
ISSUER = "telusur"
ALGORITHM = "HS256"
_HASHER = PasswordHasher()
#: A hash to verify against when the user does not exist (same cost, no timing oracle).
_DUMMY = _HASHER.hash("telusur-no-such-user")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class TokenClaims:
    user: str
    role: str
    version: int
    token_id: str
    #: expiry, seconds since the epoch
    expires: float = 0.0


def create_token(*, secret: str, user: str, role: str, version: int, minutes: int) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": user,
        "role": role,
        "ver": version,
        "iat": now,
        "nbf": now,
        "exp": now + minutes * 60,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: str, *, secret: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token of ours, else ``None``."""
    try:
        c = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.PyJWTError:
        return None
    if c.get("role") not in ROLES or not isinstance(c.get("ver"), int):
        return None
    return TokenClaims(
        str(c["sub"]), str(c["role"]), int(c["ver"]), str(c.get("jti", "")), float(c["exp"])
    )


class TokenCache:
    """Tokens already verified, so that a client's every request does not verify its
    signature again: the claims of a token string never change, only the clock does,
    so a hit is re-checked against its expiry. Bounded (least recently used out).
    Whether the user still exists, is enabled and has the same role and password
    version is not cached: the caller checks that on every request."""

    def __init__(self, secret: str, size: int = 4096) -> None:
        self._secret = secret
        self._size = size
        self._seen: OrderedDict[str, TokenClaims] = OrderedDict()
        self._lock = threading.Lock()

    def decode(self, token: str) -> TokenClaims | None:
        with self._lock:
            claims = self._seen.get(token)
            if claims is not None:
                self._seen.move_to_end(token)
        if claims is None:
            claims = decode_token(token, secret=self._secret)
            if claims is None:
                return None  # invalid tokens are not kept: nobody can fill the cache with them
            with self._lock:
                self._seen[token] = claims
                while len(self._seen) > self._size:
                    self._seen.popitem(last=False)
        if claims.expires <= time.time():
            with self._lock:
                self._seen.pop(token, None)
            return None
        return claims
