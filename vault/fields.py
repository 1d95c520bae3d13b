"""Field encryption: AES-256-GCM with the value bound to its place by associated data.

Layout of an encrypted value: version byte 0x01, 96-bit random nonce, ciphertext with tag.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vault.errors import DecryptionError

FIELD_VERSION = b"\x01"


@dataclass(frozen=True)
class FieldPlace:
    """Location of a value. Ciphertext moved to another location no longer decrypts."""

    table: str
    column: str
    row_id: str

    def associated_data(self, key_id: str) -> bytes:
        return "\x1f".join((self.table, self.column, self.row_id, key_id)).encode()


def encrypt_field(data_key: bytes, key_id: str, place: FieldPlace, plaintext: bytes) -> bytes:
    nonce = os.urandom(12)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, place.associated_data(key_id))
    return FIELD_VERSION + nonce + ciphertext


def decrypt_field(data_key: bytes, key_id: str, place: FieldPlace, value: bytes) -> bytes:
    if value[:1] != FIELD_VERSION:
        raise DecryptionError()
    nonce, ciphertext = value[1:13], value[13:]
    try:
        return AESGCM(data_key).decrypt(nonce, ciphertext, place.associated_data(key_id))
    except InvalidTag:
        raise DecryptionError() from None
