"""web sessions ended by sign-out (server-side revocation of UI cookies)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "web_sessions_ended" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by db.all_tables().create_all (tests)
    op.create_table(
        "web_sessions_ended",
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_web_sessions_ended")),
    )


def downgrade() -> None:
    op.drop_table("web_sessions_ended")
