"""Access export downloads: the request's verification token unlocks them until they expire."""

from __future__ import annotations

import html
import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from database.engine import session_scope
from request_store.models import AccessExport, RequestKind
from settings import Settings
from tests.api.conftest import NOW, Clock, issue_token, load_request, store_request
from vault.fields import FieldPlace
from vault.models import Subject
from vault.service import Vault

EXPORT_JSON = {"subject": {"email": "jan.jansen@example.net"}, "contracts": []}
EXPORT_PDF = b"%PDF-1.7\nexport for the test\n%%EOF\n"


@pytest.fixture
def export_setup(
    engine: Engine, vault: Vault, settings: Settings, tmp_path: Path
) -> tuple[str, str]:
    """A verified access request with an encrypted export; returns (request id, token)."""
    request_id = store_request(engine, vault, settings, kind=RequestKind.ACCESS, status="completed")
    token = issue_token(engine, request_id, expires_at=NOW + timedelta(hours=72), used_at=NOW)
    key_id = load_request(engine, request_id).key_id
    export_id = "exp_test"
    with session_scope(engine) as session:
        paths = {}
        for export_format, data in (
            ("json", json.dumps(EXPORT_JSON).encode()),
            ("pdf", EXPORT_PDF),
        ):
            place = FieldPlace("access_export", export_format, export_id)
            path = tmp_path / f"{export_id}.{export_format}.enc"
            path.write_bytes(vault.encrypt_bytes(session, key_id, place, data))
            paths[export_format] = str(path)
        session.add(
            AccessExport(
                id=export_id,
                request_id=request_id,
                key_id=key_id,
                json_path=paths["json"],
                pdf_path=paths["pdf"],
                created_at=NOW,
                expires_at=NOW + timedelta(days=7),
            )
        )
    return request_id, token


async def test_export_page_lists_downloads(
    client: httpx.AsyncClient, export_setup: tuple[str, str]
) -> None:
    request_id, token = export_setup

    response = await client.get(f"/requests/{request_id}/export", params={"token": token})

    assert response.status_code == 200
    assert f"/requests/{request_id}/export/json?token=" in response.text
    assert f"/requests/{request_id}/export/pdf?token=" in response.text


async def test_download_decrypts_files(
    client: httpx.AsyncClient, export_setup: tuple[str, str]
) -> None:
    request_id, token = export_setup

    json_response = await client.get(f"/requests/{request_id}/export/json", params={"token": token})
    pdf_response = await client.get(f"/requests/{request_id}/export/pdf", params={"token": token})

    assert json_response.status_code == 200
    assert json_response.json() == EXPORT_JSON
    assert json_response.headers["content-disposition"] == (
        f'attachment; filename="{request_id}.json"'
    )
    assert json_response.headers["cache-control"] == "no-store"
    assert pdf_response.status_code == 200
    assert pdf_response.headers["content-type"] == "application/pdf"
    assert pdf_response.content == EXPORT_PDF


@pytest.mark.parametrize("token", ["", "wrong-token"])
async def test_wrong_token_not_found(
    client: httpx.AsyncClient, export_setup: tuple[str, str], token: str
) -> None:
    request_id, _ = export_setup

    page = await client.get(f"/requests/{request_id}/export", params={"token": token})
    download = await client.get(f"/requests/{request_id}/export/json", params={"token": token})

    assert page.status_code == 404
    assert download.status_code == 404
    assert "jan.jansen" not in download.text


async def test_token_of_other_request_not_found(
    client: httpx.AsyncClient,
    export_setup: tuple[str, str],
    engine: Engine,
    vault: Vault,
    settings: Settings,
) -> None:
    request_id, _ = export_setup
    other_id = store_request(engine, vault, settings, email="other@example.net")
    other_token = issue_token(engine, other_id, expires_at=NOW + timedelta(hours=72))

    response = await client.get(
        f"/requests/{request_id}/export/json", params={"token": other_token}
    )

    assert response.status_code == 404


async def test_expired_export_gone(
    client: httpx.AsyncClient, export_setup: tuple[str, str], clock: Clock
) -> None:
    request_id, token = export_setup
    clock.advance(timedelta(days=7))

    page = await client.get(f"/requests/{request_id}/export", params={"token": token})
    download = await client.get(f"/requests/{request_id}/export/pdf", params={"token": token})

    assert page.status_code == 410
    assert "no longer available" in page.text
    assert download.status_code == 410


@pytest.mark.parametrize("path", ["export", "export/json", "export/pdf"])
async def test_destroyed_key_says_erased(
    client: httpx.AsyncClient,
    export_setup: tuple[str, str],
    engine: Engine,
    vault: Vault,
    path: str,
) -> None:
    request_id, token = export_setup
    vault.destroy_subject_key(load_request(engine, request_id).subject_id, request_id, NOW)

    response = await client.get(f"/requests/{request_id}/{path}", params={"token": token})

    assert response.status_code == 410
    assert "<h1>Your data has been erased</h1>" in response.text
    assert "nothing to download" in response.text
    assert "/export/json?token=" not in response.text
    assert "expired" not in response.text


async def test_erased_page_in_subject_language(
    client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(
        engine, vault, settings, kind=RequestKind.ACCESS, status="completed", language="fr"
    )
    token = issue_token(engine, request_id, expires_at=NOW + timedelta(hours=72), used_at=NOW)
    vault.destroy_subject_key(load_request(engine, request_id).subject_id, request_id, NOW)

    # No export row exists: the erasure is reported before the export is looked up.
    response = await client.get(
        f"/requests/{request_id}/export", params={"token": token}, headers={"Accept-Language": "de"}
    )

    assert response.status_code == 410
    assert '<html lang="fr">' in response.text
    assert "<h1>Vos données ont été effacées</h1>" in html.unescape(response.text)


async def test_erased_at_alone_says_erased(
    client: httpx.AsyncClient, export_setup: tuple[str, str], engine: Engine
) -> None:
    request_id, token = export_setup
    with session_scope(engine) as session:
        subject = session.get(Subject, load_request(engine, request_id).subject_id)
        assert subject is not None
        subject.erased_at = NOW
        session.add(subject)

    response = await client.get(f"/requests/{request_id}/export", params={"token": token})

    assert response.status_code == 410
    assert "<h1>Your data has been erased</h1>" in response.text


async def test_erased_with_wrong_token_not_found(
    client: httpx.AsyncClient, export_setup: tuple[str, str], engine: Engine, vault: Vault
) -> None:
    request_id, _ = export_setup
    vault.destroy_subject_key(load_request(engine, request_id).subject_id, request_id, NOW)

    response = await client.get(f"/requests/{request_id}/export", params={"token": "guess"})

    assert response.status_code == 404
    assert "erased" not in response.text


@pytest.mark.parametrize("export_format", ["xml", "JSON", "pdf.exe"])
async def test_unknown_format_not_found_page(
    client: httpx.AsyncClient, export_setup: tuple[str, str], export_format: str
) -> None:
    request_id, token = export_setup

    response = await client.get(
        f"/requests/{request_id}/export/{export_format}",
        params={"token": token},
        headers={"Accept-Language": "es"},
    )

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Enlace no encontrado</h1>" in html.unescape(response.text)


async def test_unknown_request_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/requests/req_unknown/export/json", params={"token": "x"})

    assert response.status_code == 404
