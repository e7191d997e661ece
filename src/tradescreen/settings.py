"""One settings object, read from ``TRADESCREEN_*`` variables when *constructed*, never at import.

Build it once at the edge (CLI command, API app factory) and pass it in.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_db_url() -> str:
    from platformdirs import user_data_dir

    path = Path(user_data_dir("tradescreen", appauthor=False)) / "tradescreen.db"
    return f"sqlite:///{path}"


def _default_threshold() -> float:
    """The matcher's own default (``match.config.DEFAULT_THRESHOLD``: defined once), imported
    when settings are built so ``import tradescreen`` stays free of the matcher."""
    from tradescreen.match.config import DEFAULT_THRESHOLD

    return DEFAULT_THRESHOLD


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRADESCREEN_", extra="ignore")

    db: str = Field(
        default_factory=default_db_url,
        description="SQLAlchemy URL or a plain file path of the SQLite store.",
    )
    threshold: float = Field(
        default_factory=_default_threshold,
        ge=0.0,
        le=1.0,
        description="Default hit threshold (chosen from bench/quality.py; see docs/matching.md).",
    )
    max_hits: int = Field(default=10, ge=1, le=500)
    timezone: str = Field(
        default="UTC",
        description="IANA time zone of the application clock's calendar day (the default "
        "'as of' date of every channel); timestamps are stored in UTC whatever this is.",
    )
    stale_after_days: int = Field(default=7, ge=0, description="A list older than this is stale.")
    version_refresh_seconds: float = Field(
        default=1.0,
        ge=0.0,
        description="How long a screener trusts its view of the versions in force before "
        "re-reading them (loads in the same process are seen at once; 0: every query).",
    )
    stale_policy: str = Field(default="flag", pattern="^(flag|refuse)$")
    required_lists: tuple[str, ...] = Field(default=())
    max_shrink: float = Field(
        default=0.10,
        ge=0.0,
        le=1.0,
        description="A list update smaller than the version in force by more than this is refused.",
    )
    shrink_min_loss: int = Field(
        default=10,
        ge=0,
        description="Names, aliases, addresses and identifiers count as shrunk only when at "
        "least this many would be lost (9 aliases becoming 8 is not a broken file); entries "
        "always count.",
    )
    shrink_window_days: int = Field(
        default=30,
        ge=0,
        description="The shrink guard compares an update with the largest version in force "
        "loaded within this many days before it (and always the version in force), so "
        "repeated small shrinks cannot walk a list down.",
    )
    load_lock_timeout: float = Field(
        default=600.0,
        gt=0,
        description="Seconds a load (or a schema upgrade) waits for another one holding the "
        "store's load lock before giving up with nothing changed.",
    )
    store_busy_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a SQLite write waits for another writer's lock before giving up "
        "(exit 11, HTTP 503 with Retry-After; nothing changed).",
    )
    screen_without_lists: bool = Field(
        default=False,
        description="Answer a screening when no list is in force (or none was known at the "
        "replay time) instead of refusing it (exit 7, HTTP 503).",
    )
    audit_key_file: Path | None = Field(
        default=None, description="File holding the audit MAC key (kept outside the database)."
    )
    audit_retention_days: int = Field(default=3653, ge=1)
    list_dir: Path | None = Field(
        default=None,
        description="The only directory `POST /v1/lists/load` may read list files from "
        "(unset: loading by path over the API is disabled).",
    )
    download_dir: Path | None = Field(
        default=None, description="Where `tradescreen update` keeps downloaded files."
    )
    review_approval_score: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Clearing a hit scored at or above this needs a second reviewer's approval.",
    )
    download_timeout: float = Field(
        default=60.0, gt=0, description="Seconds one network read of a download may wait."
    )
    download_retries: int = Field(default=3, ge=0)
    download_total_timeout: float = Field(
        default=1800.0,
        gt=0,
        description="Seconds one file's download may take in all, however the bytes trickle in "
        "(the per-read download_timeout alone lets a server dripping a byte a second run forever).",
    )
    download_max_bytes: int = Field(
        default=512 << 20,
        ge=1024,
        description="Largest file a download may write, counted after content decoding "
        "(Content-Encoding: gzip), so a compressed body cannot expand past it.",
    )
    download_min_free_bytes: int = Field(
        default=64 << 20,
        ge=0,
        description="Free disk space a download must leave in the download directory: checked "
        "before it starts (with Content-Length when given) and while it is written.",
    )
    max_decompressed_bytes: int = Field(
        default=512 << 20,
        ge=1 << 20,
        description="Largest size a list file may have on disk or after gzip/zip decompression.",
    )
    max_compression_ratio: float = Field(
        default=100.0,
        ge=2.0,
        description="Largest decompressed/compressed size ratio of a gzip or zip list file "
        "(applied past the first 8 MiB; real lists compress 5-20:1, bombs 1000:1).",
    )
    max_xml_elements: int = Field(
        default=20_000_000,
        ge=1000,
        description="Most XML elements one list file may hold.",
    )
    webhook_secret: str | None = None
    api_max_body_bytes: int = Field(default=1_000_000, ge=1024)
    api_body_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a client has to send a whole request body (408 after it; read "
        "before authentication, so a slow body cannot hold a connection for ever).",
    )
    server_header_timeout: float = Field(
        default=10.0,
        gt=0,
        description="`tradescreen serve`: seconds a client has to send its request line and "
        "headers (408 and the connection closed after it).",
    )
    server_max_connections: int = Field(
        default=200,
        ge=1,
        description="`tradescreen serve`: open connections per worker process; one more is "
        "answered 503 with Retry-After and closed (keep it below the process's file limit).",
    )
    api_batch_max: int = Field(default=1000, ge=1)
    api_rate_limit_per_minute: int = Field(default=600, ge=1)
    yente_anonymous: bool = Field(
        default=False,
        description="Admit requests without an API key on the yente-compatible routes "
        "(/match, /search, /entities, /catalog, /manifest, /algorithms): read-only, "
        "rate-limited per client address, audited as 'anonymous'.",
    )

    def db_url(self) -> str:
        if "://" in self.db:
            return self.db
        return f"sqlite:///{Path(self.db).expanduser()}"
