"""The deployment journal: management requests accepted since a device's last snapshot.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "deployment_journal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device", sa.String(length=255), nullable=False),
        sa.Column("destination", sa.String(length=255), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_journal")),
    )
    op.create_index(
        op.f("ix_deployment_journal_device"), "deployment_journal", ["device"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_deployment_journal_device"), table_name="deployment_journal")
    op.drop_table("deployment_journal")
