"""Store tables: list_versions, entities, blobs.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Each table is created only when missing, so a database whose tables were made by
``db.all_tables().create_all`` (tests, early deployments) is adopted rather than broken.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("list_versions"):
        op.create_table(
            "list_versions",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("list_code", sa.String(length=64), nullable=False),
            sa.Column("list_name", sa.Text(), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
            sa.Column("format", sa.String(length=32), nullable=False),
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("retrieved_at", sa.DateTime(), nullable=False),
            sa.Column("data_date", sa.Date(), nullable=True),
            sa.Column("record_count", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("warnings", sa.Text(), nullable=False),
            sa.Column("quarantine_reason", sa.Text(), nullable=True),
            sa.PrimaryKeyConstraint("id", name="pk_list_versions"),
        )
        op.create_index(
            "ix_list_versions_code_retrieved",
            "list_versions",
            ["list_code", "retrieved_at"],
        )
    if _missing("entities"):
        op.create_table(
            "entities",
            sa.Column("version_id", sa.Integer(), nullable=False),
            sa.Column("entity_id", sa.String(length=255), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("data", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ["version_id"],
                ["list_versions.id"],
                name="fk_entities_version_id_list_versions",
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("version_id", "entity_id", name="pk_entities"),
        )
        op.create_index("ix_entities_entity_id", "entities", ["entity_id"])
    if _missing("blobs"):
        op.create_table(
            "blobs",
            sa.Column("version_id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=128), nullable=False),
            sa.Column("data", sa.LargeBinary(), nullable=False),
            sa.ForeignKeyConstraint(
                ["version_id"],
                ["list_versions.id"],
                name="fk_blobs_version_id_list_versions",
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("version_id", "key", name="pk_blobs"),
        )


def downgrade() -> None:
    op.drop_table("blobs")
    op.drop_index("ix_entities_entity_id", table_name="entities")
    op.drop_table("entities")
    op.drop_index("ix_list_versions_code_retrieved", table_name="list_versions")
    op.drop_table("list_versions")
