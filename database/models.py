"""The one place that imports every table, so metadata is complete for migrations and tests."""

from __future__ import annotations


def import_all_models() -> None:
    import accounts.models  # noqa: F401
    import audit.log  # noqa: F401
    import contract_store.models  # noqa: F401
    import request_store.models  # noqa: F401
    import vault.models  # noqa: F401
