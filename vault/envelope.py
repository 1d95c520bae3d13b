"""Envelope encryption: subject data keys wrapped by a key-encryption key (KEK)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vault.errors import DecryptionError
from vault.key_files import load_or_create_key_file

WRAP_VERSION = b"\x01"


class KeyEncryptionKeyProvider(Protocol):
    """Interface of a KEK source: a local file now, a KMS or HSM later."""

    kek_id: str

    def wrap(self, data_key: bytes, key_id: str) -> bytes: ...

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes: ...


class LocalKeyFileProvider:
    """KEK read from a 32-byte file; meant for development and single-host installs."""

    def __init__(self, path: Path) -> None:
        self._aead = AESGCM(load_or_create_key_file(path))
        self.kek_id = "local-" + hashlib.sha256(path.read_bytes()).hexdigest()[:12]

    def wrap(self, data_key: bytes, key_id: str) -> bytes:
        nonce = os.urandom(12)
        return WRAP_VERSION + nonce + self._aead.encrypt(nonce, data_key, key_id.encode())

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes:
        if wrapped[:1] != WRAP_VERSION:
            raise DecryptionError()
        nonce, ciphertext = wrapped[1:13], wrapped[13:]
        try:
            return self._aead.decrypt(nonce, ciphertext, key_id.encode())
        except InvalidTag:
            raise DecryptionError() from None
