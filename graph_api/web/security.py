"""Password hashes (argon2id) and short-lived JWT bearer tokens (HS256)."""

from __future__ import annotations

import time
import uuid
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
    return TokenClaims(str(c["sub"]), str(c["role"]), int(c["ver"]), str(c.get("jti", "")))
