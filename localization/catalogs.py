"""Loading the ``messages`` catalogs, compiling each .po file to .mo when the .mo is stale.

Only the .po files are kept in version control. A .mo file that is missing or older than its
.po file is rebuilt at start-up. If the templates folder is read-only, as in some container
images, the compiled catalog is used from memory instead.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "messages"

logger = logging.getLogger(__name__)


def load_translations(locale_dir: Path, locale: str) -> NullTranslations:
    """Return the ``messages`` translations for ``locale``; English gets the identity."""
    po_path = locale_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return NullTranslations()

    mo_path = po_path.with_suffix(".mo")
    if _is_fresh(mo_path, po_path):
        with mo_path.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)

    compiled = compile_po(po_path)
    _write_atomically(mo_path, compiled)
    return Translations(io.BytesIO(compiled), domain=DOMAIN)


def compile_po(po_path: Path) -> bytes:
    """Compile a .po file to .mo bytes, leaving out fuzzy entries as msgfmt does."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _is_fresh(mo_path: Path, po_path: Path) -> bool:
    try:
        return mo_path.stat().st_mtime >= po_path.stat().st_mtime
    except FileNotFoundError:
        return False


def _write_atomically(path: Path, data: bytes) -> None:
    # Write and rename, so a second process starting at the same moment never reads half a file.
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".mo.tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError as error:
        logger.warning(
            "localization.mo_write_failed",
            extra={"catalog": str(path), "error": error.__class__.__name__},
        )
