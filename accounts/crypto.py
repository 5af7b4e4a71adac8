"""Encryption at rest: MFA secrets, webhook signing secrets and health details.

Values are encrypted with Fernet (AES-128-CBC with an HMAC) from the ``cryptography``
package, keyed by ``TRILINK_ENCRYPTION_KEYS``: the first key encrypts, every key decrypts, so
a key is rotated by putting the new one first, running ``manage.py reencrypt`` and then
dropping the old one (docs/deployment.md). Without that setting the key is derived from
``SECRET_KEY``, so changing the secret key alone makes stored values unreadable.

An encrypted value starts with ``PREFIX``; anything else is a value written before
encryption existed and is read as it is, so a deployment can encrypt existing rows after the
new code is live.
"""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models
from django.db.models.lookups import Lookup

# Marks an encrypted value, so values written before encryption existed are still read.
PREFIX = "fernet:"


def _derived_key(secret_key: str) -> bytes:
    # The info string predates the other uses: changing it would orphan every stored secret.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"trilink-mfa-secrets")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    materials = [key.encode() for key in keys] or [_derived_key(secret_key)]
    return MultiFernet([Fernet(material) for material in materials])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.TRILINK_ENCRYPTION_KEYS), settings.SECRET_KEY)


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt_text(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt_text(value: str) -> str:
    """The plain text of ``value``; a value stored before encryption is returned as it is."""
    if not is_encrypted(value):
        return value
    try:
        return fernet().decrypt(value.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as error:
        # Never the value itself: it is a secret or a health detail.
        raise ValueError("A stored value cannot be decrypted with the configured keys.") from error


def reencrypt_text(value: str) -> str:
    """``value`` encrypted with the current first key (a plain legacy value gets encrypted)."""
    return encrypt_text(decrypt_text(value))


class _EmptinessOnly:
    """A lookup on an encrypted column may only ask whether it is empty: every encryption of
    the same text differs, so comparing or searching content would silently match nothing."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise ValueError(
                f"An encrypted field can only be compared with the empty string, not with "
                f"content ({self.lookup_name})."
            )
        return super().get_prep_lookup()


@cache
def _emptiness_only(lookup: type[Lookup]) -> type[Lookup]:
    return type(f"EmptinessOnly{lookup.__name__}", (_EmptinessOnly, lookup), {})


class EncryptedTextField(models.TextField):
    """Text stored encrypted (``encrypt_text``) and read in plain (``decrypt_text``).

    An empty value is stored empty, so "has any" questions (``exact=""``, ``gt=""``) still
    work in the database; nothing else about the content can be queried, ordered or searched
    there. Each save encrypts afresh, so the stored bytes change even when the text does not.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        # Always encrypted, even text that happens to start with ``PREFIX``.
        if value is None or value == "":
            return value
        return encrypt_text(value)

    def get_lookup(self, lookup_name):
        lookup = super().get_lookup(lookup_name)
        if lookup_name == "isnull" or lookup is None:
            return lookup
        if lookup_name in ("exact", "gt"):
            return _emptiness_only(lookup)
        return None
