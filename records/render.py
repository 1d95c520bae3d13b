"""Rendering of completion records to PDF/A-3b with the JSON record embedded."""

import base64
import hashlib
import os
import tempfile
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from io import BytesIO
from pathlib import Path

import jinja2
from babel.dates import format_date, format_datetime
from babel.messages import mofile, pofile
from babel.support import NullTranslations, Translations
from weasyprint import CSS, HTML, Attachment

from records.model import CompletionRecord

TEMPLATE_NAME = "records/completion_record.html"
ATTACHMENT_NAME = "completion-record.json"
TRANSLATION_DOMAIN = "records"
# The template's msgids are English, so English needs no catalog.
SOURCE_LOCALE = "en"

_OUTPUT_INTENT = "--srgb"


def render_record_pdf(record: CompletionRecord, template_dir: Path) -> bytes:
    """Render the record as a PDF/A-3b file with its JSON form embedded.

    ``template_dir`` is the folder that contains ``records/completion_record.html``
    and ``locale/<locale>/LC_MESSAGES/records.po``. The embedded file is named
    ``completion-record.json`` and has the AFRelationship ``Data``.
    """
    record_json = record.to_json_bytes()
    html = render_record_html(record, template_dir, hashlib.sha256(record_json).hexdigest())

    attachment = Attachment(
        file_obj=BytesIO(record_json),
        name=ATTACHMENT_NAME,
        description="Machine-readable completion record",
        created=record.completed_at,
        modified=record.completed_at,
        relationship="Data",
    )
    color_profiles: dict[str, object] = {}
    output_intent = CSS(string=_output_intent_css(), color_profiles=color_profiles)

    document = HTML(string=html)
    pdf = document.write_pdf(
        pdf_variant="pdf/a-3b",
        attachments=[attachment],
        stylesheets=[output_intent],
        color_profiles=color_profiles,
        output_intent=_OUTPUT_INTENT,
    )
    return bytes(pdf)


def render_record_html(record: CompletionRecord, template_dir: Path, json_sha256: str) -> str:
    """Render the record's HTML page in the record's locale."""
    translations = load_translations(template_dir / "locale", record.locale)
    environment = _create_environment(template_dir, translations, record.locale)
    template = environment.get_template(TEMPLATE_NAME)
    return template.render(
        record=record,
        json_sha256=json_sha256,
        attachment_name=ATTACHMENT_NAME,
        document_time=record.completed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def load_translations(locale_dir: Path, locale: str) -> NullTranslations:
    """Load the ``records`` catalog for the locale, compiling the .po file when needed.

    Raises FileNotFoundError when a locale other than English has no .po file.
    """
    if locale == SOURCE_LOCALE:
        return NullTranslations()

    messages_dir = locale_dir / locale / "LC_MESSAGES"
    po_path = messages_dir / f"{TRANSLATION_DOMAIN}.po"
    if not po_path.is_file():
        raise FileNotFoundError(f"no {TRANSLATION_DOMAIN} translations for {locale!r}: {po_path}")

    compile_catalog_if_stale(po_path, messages_dir / f"{TRANSLATION_DOMAIN}.mo")
    return Translations.load(str(locale_dir), [locale], domain=TRANSLATION_DOMAIN)


def compile_catalog_if_stale(po_path: Path, mo_path: Path) -> None:
    """Compile the .po file to the .mo file when the .mo file is missing or older.

    Raises OSError when the .mo file is stale and its folder is not writable.
    """
    if mo_path.is_file() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return

    with po_path.open("rb") as po_file:
        catalog = pofile.read_po(po_file)
    buffer = BytesIO()
    mofile.write_mo(buffer, catalog)

    # Concurrent renders may compile the same catalog, so each writes a private
    # temporary file and the rename makes the .mo file appear whole.
    descriptor, temporary_name = tempfile.mkstemp(dir=mo_path.parent, prefix=f".{mo_path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as temporary_file:
            # mkstemp creates mode 0600, but the catalog is no secret and other users
            # that render records must be able to read it.
            os.fchmod(temporary_file.fileno(), 0o644)
            temporary_file.write(buffer.getvalue())
        os.replace(temporary_name, mo_path)
    except BaseException:
        Path(temporary_name).unlink(missing_ok=True)
        raise


def _create_environment(
    template_dir: Path, translations: NullTranslations, locale: str
) -> jinja2.Environment:
    # One environment per render, because installed translations and the locale-bound
    # filters are environment state that concurrent renders in other locales must not share.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    # The i18n extension adds this method at run time, so the Environment stub lacks it.
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        translations, newstyle=True
    )

    environment.filters["long_datetime"] = lambda value: _format_long_datetime(value, locale)
    environment.filters["long_date"] = lambda value: _format_long_date(value, locale)
    return environment


def _format_long_datetime(value: datetime, locale: str) -> str:
    return format_datetime(value, format="long", tzinfo=UTC, locale=locale)


def _format_long_date(value: date, locale: str) -> str:
    return format_date(value, format="long", locale=locale)


@cache
def _output_intent_css() -> str:
    """Return CSS that declares WeasyPrint's own sRGB profile as a named color profile.

    PDF/A needs an output intent. WeasyPrint 70's built-in ``srgb`` intent opens the
    ICC file without closing it, which raises ResourceWarning, so the same profile is
    passed as a data URL instead.
    """
    icc_profile = (resources.files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    encoded = base64.b64encode(icc_profile).decode("ascii")
    return (
        f"@color-profile {_OUTPUT_INTENT} {{"
        f" src: url(data:application/vnd.iccprofile;base64,{encoded});"
        " components: r, g, b; }"
    )
