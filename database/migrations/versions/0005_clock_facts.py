"""clock facts: original dates, identity date, subject zone

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 22:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_subject_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_due_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("original_legal_limit", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("identity_received", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("subject_time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("data_subject_request", schema=None) as batch_op:
        batch_op.drop_column("subject_time_zone")
        batch_op.drop_column("identity_received")
        batch_op.drop_column("original_legal_limit")
        batch_op.drop_column("original_due_date")
