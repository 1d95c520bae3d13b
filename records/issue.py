"""Issuing signed completion records to disk."""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from records.model import CompletionRecord
from records.render import render_record_pdf
from records.sign import sign_pdf
from records.signing import SigningIdentity


@dataclass(frozen=True)
class IssuedRecord:
    """Signed completion record file and the SHA-256 hex digest of its bytes."""

    path: Path
    sha256: str


def issue_record(
    record: CompletionRecord, identity: SigningIdentity, template_dir: Path, out_dir: Path
) -> IssuedRecord:
    """Render, sign and write the record to ``out_dir/<request_id>.pdf``.

    The file appears whole or not at all, with mode 0600 because a record may contain
    personal data, and an existing file for the same request is replaced. Raises
    ValueError when the request id cannot be used as a file name.
    """
    path = out_dir / f"{_file_stem(record.request_id)}.pdf"

    signed = sign_pdf(render_record_pdf(record, template_dir), identity)

    out_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, signed)
    return IssuedRecord(path=path, sha256=hashlib.sha256(signed).hexdigest())


def _file_stem(request_id: str) -> str:
    # The request id becomes a file name, so it must not leave out_dir or be hidden.
    if "/" in request_id or "\\" in request_id or "\0" in request_id or request_id.startswith("."):
        raise ValueError(f"request id {request_id!r} cannot be used as a file name")
    return request_id


def _write_atomically(path: Path, content: bytes) -> None:
    descriptor, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary_name, path)
    except BaseException:
        Path(temporary_name).unlink(missing_ok=True)
        raise
