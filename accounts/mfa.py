"""Second factors: TOTP and recovery-code secrets encrypted at rest.

allauth stores each authenticator's secret in ``Authenticator.data`` and passes it through the
MFA adapter's ``encrypt``/``decrypt`` hooks. Here they use ``accounts.crypto`` (Fernet keyed by
``TRILINK_ENCRYPTION_KEYS``); ``manage.py reencrypt`` moves them to a new first key.
"""

from allauth.mfa.adapter import DefaultMFAAdapter

from accounts.crypto import decrypt_text, encrypt_text


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
