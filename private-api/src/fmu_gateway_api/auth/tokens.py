"""Internal tokens: short-lived JWTs (EdDSA) minted at the edge for a verified API key.

Everything behind the edge trusts only these. Signing keys carry a `kid`; the first key signs and every
configured key verifies, so a new key can be introduced, and an old one retired after the token
lifetime, without downtime. Only EdDSA is accepted: `alg: none`, HMAC and RSA tokens are refused, which
also closes the algorithm-confusion hole (a public key used as an HMAC secret)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
AUDIENCE_API = "fmu-gateway-api"
AUDIENCE_RUNNER = "fmu-gateway-runner"


class InvalidToken(Exception):
    """The token is not one of ours, or no longer valid."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def to_json(self) -> dict[str, str]:
        pem = self.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        return {"kid": self.kid, "private_key_pem": pem.decode()}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> SigningKey:
        key = serialization.load_pem_private_key(data["private_key_pem"].encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"signing key {data.get('kid')!r} is not an Ed25519 key")
        return cls(kid=data["kid"], private=key)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(kid=f"k{int(time.time())}-{uuid.uuid4().hex[:6]}", private=Ed25519PrivateKey.generate())


def load_signing_keys(configured: str | None, data_dir: Path) -> list[SigningKey]:
    """Configured keys (JSON list), else a development key generated once and kept in the data dir."""
    if configured:
        keys = [SigningKey.from_json(item) for item in json.loads(configured)]
        if not keys:
            raise ValueError("FMU_GATEWAY_JWT_KEYS is an empty list")
        return keys
    path = data_dir / "secrets" / "jwt-keys.json"
    if path.is_file():
        return [SigningKey.from_json(item) for item in json.loads(path.read_text())]
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = SigningKey.generate()
    # Written whole, then linked into place: processes starting together on one data dir (an API and its
    # workers on a shared volume) all end up with the one key that won, never with a half-written file.
    fd, staged = tempfile.mkstemp(dir=path.parent, prefix=".jwt-keys-")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump([key.to_json()], fh)
        os.link(staged, path)
    except FileExistsError:
        return [SigningKey.from_json(item) for item in json.loads(path.read_text())]
    finally:
        os.unlink(staged)
    return [key]


def derived_secrets(keys: list[SigningKey], purpose: str) -> tuple[bytes, ...]:
    """One secret per signing key for another use of the same key material (payment-token MACs): the
    first key's is current, and the others keep what they made valid while a rotation overlaps."""
    label = f"fmu-gateway {purpose}\0".encode()
    return tuple(hashlib.sha256(label + k.private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())).digest()
        for k in keys)


@dataclass(frozen=True)
class Claims:
    """Identity only: what the caller may do and pay is read from the database, never from a token."""

    subject: str
    key_id: str
    scopes: tuple[str, ...]
    audience: str
    token_id: str
    expires_at: int


class TokenService:
    def __init__(self, keys: list[SigningKey], *, issuer: str, ttl_s: int) -> None:
        self._signer = keys[0]
        self._verifiers = {k.kid: k.public for k in keys}
        self.issuer = issuer
        self.ttl_s = ttl_s

    def mint(self, *, subject: str, key_id: str, scopes: list[str],
             audience: str = AUDIENCE_API, ttl_s: int | None = None) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer, "sub": subject, "aud": audience, "iat": now, "nbf": now,
            "exp": now + (ttl_s if ttl_s is not None else self.ttl_s), "jti": uuid.uuid4().hex,
            "kid": key_id, "scope": " ".join(scopes),
        }
        return jwt.encode(payload, self._signer.private, algorithm=ALGORITHM, headers={"kid": self._signer.kid})

    def verify(self, token: str, audience: str = AUDIENCE_API) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from None
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(f"algorithm {header.get('alg')!r} is not accepted")
        public = self._verifiers.get(str(header.get("kid")))
        if public is None:
            raise InvalidToken("the token was signed with an unknown key")
        try:
            data = jwt.decode(token, public, algorithms=[ALGORITHM], audience=audience, issuer=self.issuer,
                              options={"require": ["exp", "iat", "sub", "aud", "iss", "jti"]}, leeway=5)
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"the token is not valid: {exc}") from None
        return Claims(subject=str(data["sub"]), key_id=str(data.get("kid", "")),
                      scopes=tuple(str(data.get("scope", "")).split()), audience=audience,
                      token_id=str(data["jti"]), expires_at=int(data["exp"]))


def looks_like_jwt(token: str) -> bool:
    return token.startswith("ey") and token.count(".") == 2
