"""Settings for every area of dsrflow, read from ``DSRFLOW_``-prefixed environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Process-wide configuration; every field is read from ``DSRFLOW_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="DSRFLOW_", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development",
        description="Deployment kind; production rejects development-only settings "
        "such as the mail sink.",
    )
    data_dir: Path = Field(
        Path(".dsrflow"),
        description="Folder for the SQLite database, key files, outbox, exports and "
        "completion records.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; defaults to a SQLite file in the data directory.",
    )
    temporal_address: str = Field("127.0.0.1:7233", description="Temporal frontend host:port.")
    temporal_namespace: str = Field("default", description="Temporal namespace for all workflows.")
    temporal_ui_port: int = Field(
        8233, description="Port of the dev server's Web UI under `dsrflow dev`."
    )
    task_queue: str = Field("dsrflow-requests", description="Task queue of the request worker.")

    api_host: str = Field("127.0.0.1", description="Interface the API binds to.")
    api_port: int = Field(8000, description="TCP port the API binds to.")
    public_base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Base URL used in links sent to data subjects (verification, downloads).",
    )
    max_body_bytes: int = Field(
        64 * 1024, description="Largest request body accepted; larger bodies get 413 unread."
    )
    session_hours: int = Field(8, description="Lifetime of a portal login session, in hours.")
    api_token_hours: int = Field(24, description="Lifetime of a JSON API bearer token, in hours.")

    kek_path: Path | None = Field(
        None,
        description="Key-encryption key file (32 random bytes, mode 0600); created on first run. "
        "Defaults to keys/kek.bin in the data directory.",
    )
    blind_index_key_path: Path | None = Field(
        None,
        description="HMAC key file for blind indexes; created on first run. "
        "Defaults to keys/blind-index.bin in the data directory.",
    )
    ledger_key_path: Path | None = Field(
        None,
        description="Ed25519 private key (32 raw bytes) that signs destruction-ledger entries; "
        "created on first run.",
    )
    signing_key_path: Path | None = Field(
        None,
        description="PEM private key of the completion-record signing certificate; "
        "generated with a self-signed certificate on first run when unset.",
    )
    signing_cert_path: Path | None = Field(
        None, description="PEM signing certificate matching signing_key_path."
    )
    controller_name: str = Field(
        "Example Controller Ltd", description="Organisation named on completion records and emails."
    )

    verification_window_hours: int = Field(
        72, description="How long an emailed verification link stays valid, in hours."
    )
    export_window_hours: int = Field(
        168, description="How long an access export can be downloaded, in hours."
    )
    reminder_days_before_due: list[int] = Field(
        [7, 2],
        description="Days before the internal due date on which the privacy team is reminded "
        "of an open request (a JSON list, for example [7, 2]).",
    )
    erasure_approval_required: bool = Field(
        True, description="Whether an erasure waits for a privacy-team approval in the portal."
    )

    smtp_host: str = Field("127.0.0.1", description="SMTP server host.")
    smtp_port: int = Field(8025, description="SMTP server port.")
    smtp_username: str | None = Field(None, description="SMTP login, if the server needs one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(
        False, description="Whether to upgrade the SMTP connection with STARTTLS."
    )
    mail_from: str = Field("privacy@example.com", description="Sender address of all emails.")
    privacy_team_email: str = Field(
        "privacy-team@example.com", description="Where approval requests and alerts are sent."
    )
    mail_sink: bool = Field(
        True,
        description="Development only: `dsrflow dev` runs a local SMTP sink that stores messages "
        "in the data directory's outbox.",
    )

    @model_validator(mode="after")
    def _reject_development_defaults(self) -> Settings:
        if self.environment == "production" and self.mail_sink:
            raise ValueError(
                "DSRFLOW_MAIL_SINK=true is for development only; set it to false and point "
                "DSRFLOW_SMTP_HOST at a real mail server in production"
            )
        if self.environment == "production" and not self.public_base_url.startswith("https://"):
            raise ValueError(
                "DSRFLOW_PUBLIC_BASE_URL must start with https:// in production, because "
                "verification and download links carry single-use tokens"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'dsrflow.sqlite3').resolve()}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def records_dir(self) -> Path:
        return self.data_dir / "records"


@lru_cache
def get_settings() -> Settings:
    return Settings()
