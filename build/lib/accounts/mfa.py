"""Second factors: TOTP and recovery-code secrets encrypted at rest.

allauth stores each authenticator's secret in ``Authenticator.data`` and passes it through the
MFA adapter's ``encrypt``/``decrypt`` hooks. Here they use Fernet (AES-128-CBC with an HMAC)
from the ``cryptography`` package, keyed by ``TRILINK_ENCRYPTION_KEYS``: the first key
encrypts, every key decrypts, so a key is rotated by putting the new one first, running
``manage.py mfa_reencrypt`` and then dropping the old one. Without that setting the key is
derived from ``SECRET_KEY``, so changing the secret key alone makes stored secrets unreadable.
"""

import base64
from functools import cache

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Marks an encrypted value, so values written before encryption existed are still read.
PREFIX = "fernet:"


def _derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"trilink-mfa-secrets")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    materials = [key.encode() for key in keys] or [_derived_key(secret_key)]
    return MultiFernet([Fernet(material) for material in materials])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.TRILINK_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt_text(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt_text(value: str) -> str:
    """The plain text of ``value``; a value stored before encryption is returned as it is."""
    if not value.startswith(PREFIX):
        return value
    try:
        return fernet().decrypt(value.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as error:
        raise ValueError("An MFA secret cannot be decrypted with the configured keys.") from error


def reencrypt_data(data: dict) -> dict:
    """``Authenticator.data`` with every secret encrypted with the current first key."""
    result = dict(data)
    for name in ("secret", "seed"):
        if isinstance(result.get(name), str):
            result[name] = encrypt_text(decrypt_text(result[name]))
    if isinstance(result.get("migrated_codes"), list):
        result["migrated_codes"] = [
            encrypt_text(decrypt_text(code)) for code in result["migrated_codes"]
        ]
    return result


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)
