"""PAdES signing of rendered completion records."""

from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from records.signing import SigningIdentity

SIGNATURE_FIELD = "Signature1"


def sign_pdf(pdf: bytes, identity: SigningIdentity) -> bytes:
    """Sign the PDF with the identity's key and return the signed file.

    The signature is an invisible PAdES baseline B-B signature (SubFilter
    ETSI.CAdES.detached, SHA-256) in the field ``Signature1``, added as an incremental
    update so that it covers every byte before it. It carries no timestamp.
    """
    signer = signers.SimpleSigner(
        signing_cert=to_asn1_certificate(identity.certificate),
        signing_key=_to_asn1_private_key(identity),
        # The signer embeds its own certificate, and a self-signed one has no chain to add.
        # pyhanko-certvalidator 0.33 leaves this constructor unannotated.
        cert_registry=SimpleCertificateStore(),  # type: ignore[no-untyped-call]
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = signers.sign_pdf(writer, metadata, signer=signer)
    return bytes(output.getvalue())


def to_asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """Convert a ``cryptography`` certificate to the asn1crypto form that pyHanko uses."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _to_asn1_private_key(identity: SigningIdentity) -> asn1_keys.PrivateKeyInfo:
    der = identity.private_key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)
