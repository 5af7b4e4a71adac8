"""Secret links (referee uploads, guardian consent): a random token for the email, its hash for
the database. Imports nothing of the project."""

import hashlib
import secrets


def token_new() -> str:
    """A fresh URL-safe token of 256 random bits; only its hash is ever stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of ``token``: a lookup by hash, so a leaked table opens no link."""
    return hashlib.sha256(token.encode()).hexdigest()
