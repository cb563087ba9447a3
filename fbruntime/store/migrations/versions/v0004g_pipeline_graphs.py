"""Pipeline graphs: run parameters, run results, nested runs' parents, task details.

``runs.parameters`` (the trigger parameters a run ran with), ``runs.result`` (what the pipeline
returned), ``runs.parent_run_id``/``parent_task_id`` (the run and task that started a nested
run, indexed to list a run's children) and ``task_runs.detail`` (a skip reason, a map's item
counts). All nullable, so existing rows need nothing.

Revision ID: 0004g
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004g"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("parameters", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("result", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("parent_run_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("parent_task_id", sa.String(length=255), nullable=True))
        batch.create_index(batch.f("ix_runs_parent_run_id"), ["parent_run_id"], unique=False)
    with op.batch_alter_table("task_runs") as batch:
        batch.add_column(sa.Column("detail", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task_runs") as batch:
        batch.drop_column("detail")
    with op.batch_alter_table("runs") as batch:
        batch.drop_index(batch.f("ix_runs_parent_run_id"))
        batch.drop_column("parent_task_id")
        batch.drop_column("parent_run_id")
        batch.drop_column("result")
        batch.drop_column("parameters")
