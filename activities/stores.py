"""Work on the stores that hold the subject's data: discovery, export and opt-out."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select
from temporalio import activity

from activities.lookup import load_request
from activities.messages import DiscoveryResult, ExportResult, OptOutResult, RequestRef
from activities.resources import ActivityResources
from audit.log import record_event
from contract_store.export import render_export_json, render_export_pdf
from contract_store.subject_data import collect_subject_data, count_subject_records
from database.engine import session_scope
from database.identifiers import new_id
from request_store.models import AccessExport
from vault.fields import FieldPlace
from vault.models import Subject

logger = logging.getLogger(__name__)

CONTRACT_STORE = "contract_store"


class StoreActivities:
    def __init__(self, resources: ActivityResources) -> None:
        self.resources = resources

    @activity.defn(name="discover_subject_data")
    def discover_subject_data(self, ref: RequestRef) -> DiscoveryResult:
        with session_scope(self.resources.engine) as session:
            request = load_request(session, ref.request_id)
            counts = count_subject_records(session, request.subject_id)
            found = any(counts.values())
            record_event(
                session,
                at=self.resources.clock(),
                request_id=request.id,
                actor="workflow",
                event="store.discovered",
                detail={"store": CONTRACT_STORE, "records": counts},
            )
        return DiscoveryResult(subject_found=found, records_by_table=counts)

    @activity.defn(name="export_subject_data")
    def export_subject_data(self, ref: RequestRef) -> ExportResult:
        """Write the JSON and PDF export, each sealed under the subject key; once per request."""
        resources = self.resources
        window = timedelta(hours=resources.settings.export_window_hours)
        now = resources.clock()

        with session_scope(resources.engine) as session:
            request = load_request(session, ref.request_id)
            existing = session.exec(
                select(AccessExport).where(AccessExport.request_id == request.id)
            ).first()
            if existing is not None:
                return ExportResult(existing.id, int(window.total_seconds()))

            data = collect_subject_data(session, resources.vault, request.subject_id)
            export_id = new_id("exp")
            json_bytes = render_export_json(data, request.id, now)
            pdf_bytes = render_export_pdf(
                data, request.id, now, request.locale, resources.template_dir
            )

            folder = resources.settings.exports_dir
            json_path = self._seal(session, request.key_id, export_id, "json", json_bytes, folder)
            pdf_path = self._seal(session, request.key_id, export_id, "pdf", pdf_bytes, folder)
            session.add(
                AccessExport(
                    id=export_id,
                    request_id=request.id,
                    key_id=request.key_id,
                    json_path=str(json_path),
                    pdf_path=str(pdf_path),
                    created_at=now,
                    expires_at=now + window,
                )
            )
            record_event(
                session,
                at=now,
                request_id=request.id,
                actor="workflow",
                event="export.created",
                detail={
                    "export_id": export_id,
                    "json_bytes": len(json_bytes),
                    "pdf_bytes": len(pdf_bytes),
                },
            )
        logger.info("export.created", extra={"request_id": ref.request_id, "export_id": export_id})
        return ExportResult(export_id, int(window.total_seconds()))

    def _seal(
        self,
        session: Session,
        key_id: str,
        export_id: str,
        column: str,
        content: bytes,
        folder: Path,
    ) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        sealed = self.resources.vault.encrypt_bytes(
            session, key_id, FieldPlace("access_export", column, export_id), content
        )
        path = folder / f"{export_id}.{column}.sealed"
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(sealed)
        os.replace(temporary, path)
        return path

    @activity.defn(name="record_opt_out")
    def record_opt_out(self, ref: RequestRef) -> OptOutResult:
        now = self.resources.clock()
        with session_scope(self.resources.engine) as session:
            request = load_request(session, ref.request_id)
            subject = session.get(Subject, request.subject_id)
            if subject is None:
                raise RuntimeError(f"subject of request {request.id} not found")
            if subject.opted_out_at is None:
                subject.opted_out_at = now
                session.add(subject)
            record_event(
                session,
                at=now,
                request_id=request.id,
                actor="workflow",
                event="opt_out.recorded",
                detail={"subject_id": subject.id, "opted_out_at": subject.opted_out_at.isoformat()},
            )
        return OptOutResult(
            subject_id=request.subject_id, stores=["subject_registry", CONTRACT_STORE]
        )
