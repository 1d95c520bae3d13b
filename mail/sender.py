"""Send one plain-text email over SMTP with the settings' server and credentials."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from settings import Settings


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str


def build_message(settings: Settings, email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rsplit("@", 1)[-1])
    message.set_content(email.body)
    return message


class MailDeliveryError(Exception):
    """Sending failed. The message names the error class and SMTP code, never an address."""


def send_email(settings: Settings, email: OutgoingEmail) -> None:
    """Deliver the message, or raise MailDeliveryError so the calling activity retries.

    smtplib puts recipient addresses into its exception messages, and an activity's error
    message is stored in clear in the workflow history, so the original error is dropped.
    """
    try:
        _deliver(settings, build_message(settings, email), email.to)
    except (smtplib.SMTPException, OSError) as error:
        code = getattr(error, "smtp_code", None)
        detail = f" (SMTP code {code})" if isinstance(code, int) else ""
        raise MailDeliveryError(
            f"sending email via {settings.smtp_host}:{settings.smtp_port} failed: "
            f"{type(error).__name__}{detail}"
        ) from None


def _deliver(settings: Settings, message: EmailMessage, recipient: str) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as client:
        if settings.smtp_starttls:
            client.starttls()
        if settings.smtp_username and settings.smtp_password:
            client.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        # SMTPUTF8 lets internationalized addresses through when the server supports it.
        options = ["SMTPUTF8"] if not recipient.isascii() else []
        client.send_message(message, mail_options=options)
