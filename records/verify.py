"""Verification of signed completion records.

A record is accepted only when every byte of the file is accounted for. The signature
covers everything except the /Contents hex string that contains the CMS signature. That
string must be exactly the CMS object rebuilt from the parts that the signature and
its signed attributes protect, followed by zero padding. Together the two checks
reject any single changed byte.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

from asn1crypto import algos, cms
from cryptography import x509
from pyhanko.pdf_utils.generic import DictionaryObject
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

from records.model import CompletionRecord, InvalidRecordError
from records.render import ATTACHMENT_NAME
from records.sign import to_asn1_certificate


class RecordVerificationError(Exception):
    """Signed completion record that failed verification. The message names the failed check."""


def verify_record(pdf: bytes, trusted_cert: x509.Certificate | None = None) -> CompletionRecord:
    """Verify a signed completion record and return the record embedded in it.

    With ``trusted_cert`` the signer's certificate must chain to it. Without it the
    certificate embedded in the signature is used, which proves only that the file is
    unchanged since signing, not who signed it. Raises RecordVerificationError.
    """
    with _malformed_input_rejected("the file is not a readable signed PDF"):
        reader = PdfFileReader(BytesIO(pdf))
        signature = _find_single_signature(reader)

    with _malformed_input_rejected("the signature could not be validated"):
        status = _validate_signature(signature, trusted_cert)
    _check_signature_status(status, trusted_cert)

    with _malformed_input_rejected("the CMS signature could not be read"):
        expected_cms = _rebuild_cms(signature)
    _check_contents_string(pdf, signature, expected_cms)

    with _malformed_input_rejected("embedded JSON record is missing"):
        record_json = _read_embedded_record(reader)
    try:
        return CompletionRecord.from_json_bytes(record_json)
    except InvalidRecordError as error:
        raise RecordVerificationError(f"embedded JSON record is invalid: {error}") from error


@contextmanager
def _malformed_input_rejected(message: str) -> Iterator[None]:
    """Turn any parser or validator exception into RecordVerificationError.

    pyHanko 0.38 and asn1crypto raise many exception types on damaged input. Flipping
    each byte of an issued record produced NotImplementedError, KeyError, TypeError,
    AttributeError, AssertionError, zlib.error and decimal.InvalidOperation, besides
    pyHanko's own errors, so a narrower list would let damaged files escape as crashes.
    """
    try:
        yield
    except RecordVerificationError:
        raise
    except Exception as error:
        raise RecordVerificationError(f"{message}: {type(error).__name__}: {error}") from error


def _find_single_signature(reader: PdfFileReader) -> EmbeddedPdfSignature:
    signatures: list[EmbeddedPdfSignature] = list(reader.embedded_signatures)

    # A record is signed once. A second signature would be a later revision that the
    # first one does not cover.
    if len(signatures) != 1:
        raise RecordVerificationError(f"expected exactly one signature, found {len(signatures)}")
    return signatures[0]


def _validate_signature(
    signature: EmbeddedPdfSignature, trusted_cert: x509.Certificate | None
) -> PdfSignatureStatus:
    if trusted_cert is None:
        trust_root = signature.signer_cert
    else:
        trust_root = to_asn1_certificate(trusted_cert)

    # Revocation is effectively not checked, because fetching is off and the default
    # soft-fail mode accepts a certificate without revocation data.
    context = ValidationContext(trust_roots=[trust_root])
    return validate_pdf_signature(signature, signer_validation_context=context)


def _check_signature_status(
    status: PdfSignatureStatus, trusted_cert: x509.Certificate | None
) -> None:
    if not status.intact or not status.valid:
        raise RecordVerificationError("signature does not match the document")

    if trusted_cert is not None and not status.trusted:
        subject = trusted_cert.subject.rfc4514_string()
        raise RecordVerificationError(
            f"signing certificate does not chain to the trusted certificate {subject}"
        )

    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise RecordVerificationError("the signature does not cover the whole file")


def _rebuild_cms(signature: EmbeddedPdfSignature) -> bytes:
    """Rebuild the DER CMS object from its protected parts, in the layout pyHanko writes.

    The signed attributes and the signature value are covered by the signature check.
    The certificate is bound to them by the signing-certificate-v2 attribute, which
    pyHanko checks when present and this function requires. Everything else (versions,
    algorithm lists, signer identifier, unsigned attributes) is not protected, so it is
    derived here instead of read.
    """
    signer_info = signature.signer_info
    attribute_types = {attribute["type"].native for attribute in signer_info["signed_attrs"]}
    if "signing_certificate_v2" not in attribute_types:
        raise RecordVerificationError(
            "the signature has no signing-certificate-v2 attribute to bind its certificate"
        )
    certificate = signature.signer_cert
    digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
    signature_algorithm = signer_info["signature_algorithm"]["algorithm"].native

    signer_identifier = cms.IssuerAndSerialNumber(
        {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
    )
    rebuilt_signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": signer_identifier}),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": digest_algorithm}),
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": signature_algorithm}),
            "signed_attrs": signer_info["signed_attrs"],
            "signature": signer_info["signature"].native,
        }
    )

    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": digest_algorithm})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [certificate],
            "signer_infos": [rebuilt_signer_info],
        }
    )
    content_info = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
    return bytes(content_info.dump())


def _check_contents_string(
    pdf: bytes, signature: EmbeddedPdfSignature, expected_cms: bytes
) -> None:
    """Raise unless the unsigned gap in the ByteRange is exactly the expected /Contents.

    The gap is outside the signed bytes, so the signature alone would accept changed
    padding digits, changed hex letter case, changed delimiters or a changed
    unprotected CMS field there.
    """
    byte_range = list(signature.byte_range)
    if len(byte_range) != 4 or byte_range[0] != 0:
        raise RecordVerificationError(f"the signature has a non-standard ByteRange {byte_range}")
    gap = pdf[byte_range[1] : byte_range[2]]

    padding_length = len(signature.pkcs7_content) - len(expected_cms)
    if padding_length < 0:
        raise RecordVerificationError("the signature's /Contents string is shorter than its CMS")
    hex_cms = expected_cms.hex().encode("ascii")
    padding = b"00" * padding_length
    # pyHanko 0.38 writes upper-case hex. Lower case is accepted as well, but a mix of
    # both can only come from an edit.
    canonical_forms = {b"<" + hex_cms + padding + b">", b"<" + hex_cms.upper() + padding + b">"}

    if gap not in canonical_forms:
        raise RecordVerificationError(
            "the signature's /Contents string is not its CMS signature followed by zero padding"
        )


def _read_embedded_record(reader: PdfFileReader) -> bytes:
    root = reader.root
    if "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]:
        raise RecordVerificationError("embedded JSON record is missing: the PDF has no files")

    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    for index in range(0, len(names) - 1, 2):
        if str(names[index]) == ATTACHMENT_NAME:
            return _embedded_file_data(names[index + 1].get_object())

    raise RecordVerificationError(
        f"embedded JSON record is missing: the PDF has no embedded file {ATTACHMENT_NAME}"
    )


def _embedded_file_data(file_spec: DictionaryObject) -> bytes:
    return bytes(file_spec["/EF"]["/F"].data)
