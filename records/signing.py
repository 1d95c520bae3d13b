"""The controller's signing key and certificate for completion records."""

import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

KEY_FILE_MODE = 0o600
CERT_FILE_MODE = 0o644
FOLDER_MODE = 0o700

# A validity start in the past absorbs clock skew between the issuing and verifying hosts.
_BACKDATE = timedelta(hours=1)
_VALIDITY = timedelta(days=3653)


@dataclass(frozen=True)
class SigningIdentity:
    """Private key and matching certificate that sign completion records."""

    private_key: SigningKey
    certificate: x509.Certificate

    def __post_init__(self) -> None:
        if self.private_key.public_key() != self.certificate.public_key():
            subject = self.certificate.subject.rfc4514_string()
            raise ValueError(f"the certificate for {subject} does not match the private key")


def load_or_create_signing_identity(
    key_path: Path, cert_path: Path, common_name: str, now: datetime
) -> SigningIdentity:
    """Load the signing key and certificate from PEM files, creating what is missing.

    An existing key file is never overwritten. A missing key gets a new RSA 3072 key,
    and a missing certificate gets a new self-signed one for the key, valid from
    ``now`` minus one hour for ten years. A certificate left over without its key is
    replaced. The key file gets mode 0600 and the certificate 0644. Raises ValueError
    when ``now`` is naive or the files do not belong together.
    """
    if now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")

    if key_path.exists():
        private_key = _read_private_key(key_path)
    else:
        # RSA rather than ECDSA: pyHanko marks an ECDSA-signed file as PDF 2.0 (ISO 32002
        # extension), and PDF/A-3 is defined on PDF 1.7.
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        _write_atomically(key_path, _private_key_pem(private_key), KEY_FILE_MODE)
        cert_path.unlink(missing_ok=True)

    if cert_path.exists():
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    else:
        certificate = _self_signed_certificate(private_key, common_name, now)
        pem = certificate.public_bytes(serialization.Encoding.PEM)
        _write_atomically(cert_path, pem, CERT_FILE_MODE)

    return SigningIdentity(private_key=private_key, certificate=certificate)


def _read_private_key(path: Path) -> SigningKey:
    private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        kind = type(private_key).__name__
        raise ValueError(f"{path} contains a {kind}, expected an EC or RSA private key")
    return private_key


def _private_key_pem(private_key: SigningKey) -> bytes:
    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def _self_signed_certificate(
    private_key: SigningKey, common_name: str, now: datetime
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    public_key = private_key.public_key()
    # Key usage is what PDF validators check: digitalSignature for the signature itself
    # and nonRepudiation (contentCommitment) because the signer vouches for the content.
    key_usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )

    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(_random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    return builder.sign(private_key, hashes.SHA256())


def _random_serial_number() -> int:
    # RFC 5280 limits serial numbers to 20 octets and requires them to be positive.
    return secrets.randbits(159) | 1


def _write_atomically(path: Path, content: bytes, mode: int) -> None:
    path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)

    descriptor, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            # mkstemp creates the file with mode 0600, so the key is never readable by others.
            os.fchmod(file.fileno(), mode)
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary_name, path)
    except BaseException:
        Path(temporary_name).unlink(missing_ok=True)
        raise
