"""Typed errors. Each carries a one-line user-facing message, an HTTP status and an exit code.

The CLI maps any ``TradescreenError`` to ``exit_code`` and prints ``str(err)``; the API maps it
to ``http_status`` with ``{"error": code, "detail": message}``. Nowhere else decides these.
"""

from __future__ import annotations


class TradescreenError(Exception):
    """Base class. ``str(err)`` is the one-line message shown to the user."""

    code = "error"
    http_status = 500
    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(TradescreenError):
    """The caller's input is wrong (empty query, bad date, bad ECCN, unknown field)."""

    code = "invalid_input"
    http_status = 422
    exit_code = 2


class BadParameter(InvalidInput):
    """A request parameter that is unknown or has a value that cannot be applied (the
    trade.gov CSL API answers these 400): refused, never ignored."""

    code = "bad_request"
    http_status = 400
    exit_code = 2


class SourceError(TradescreenError):
    """A list file cannot be read: missing, unknown format, truncated, broken rows."""

    code = "source_error"
    http_status = 422
    exit_code = 3

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class DownloadError(SourceError):
    """An official download failed (network, HTTP status, checksum, truncated body)."""

    code = "download_error"
    http_status = 502
    exit_code = 4


class LimitExceeded(SourceError):
    """A list file, archive or download passes a configured limit (decompressed size or ratio,
    XML element count, download size or time, free disk space): refused before it can exhaust
    memory, disk or time; nothing is stored and the version in force stays."""

    code = "limit_exceeded"
    http_status = 422
    exit_code = 3


class DownloadLimitExceeded(DownloadError):
    """A download passes a limit: total time, size after content decoding, free disk space."""

    code = "download_limit_exceeded"
    http_status = 502
    exit_code = 4


class IncompleteSource(SourceError):
    """A multi-file list set lacks a part (an OFAC ``sdn.csv`` without ``alt.csv`` or
    ``add.csv``): loading it would silently drop every alias or address it holds. Refused
    unless the caller allows a partial set explicitly; nothing is stored."""

    code = "incomplete_source"
    http_status = 422
    exit_code = 3


class QuarantinedError(SourceError):
    """A list update was refused (fail-closed) and quarantined; the version in force stays."""

    code = "quarantined"
    http_status = 409
    exit_code = 5

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        quarantined: tuple[dict[str, object], ...] = (),
    ) -> None:
        super().__init__(message, path=path)
        self.quarantined = quarantined  # {"id", "list", "records", "reason"} per version


class NotFound(TradescreenError):
    code = "not_found"
    http_status = 404
    exit_code = 6


class StaleLists(TradescreenError):
    """Screening refused: a required list is missing or older than allowed."""

    code = "stale_lists"
    http_status = 503
    exit_code = 7


class NoListsLoaded(StaleLists):
    """Screening refused: no list version is in force (an empty store), or none was known at
    the replay time (``known_at`` before the first load). "No hit" would be a false answer."""

    code = "no_lists"


class AuthError(TradescreenError):
    code = "unauthorized"
    http_status = 401
    exit_code = 8


class Forbidden(TradescreenError):
    code = "forbidden"
    http_status = 403
    exit_code = 8


class StoreError(TradescreenError):
    code = "store_error"
    http_status = 500
    exit_code = 9


class StoreBusy(StoreError):
    """Another writer holds the store's lock longer than the busy timeout
    (``settings.store_busy_timeout``): nothing was changed; the same request may succeed later
    (HTTP 503 with ``Retry-After``)."""

    code = "store_busy"
    http_status = 503
    exit_code = 11
    retry_after = 5


class Unavailable(TradescreenError):
    """A part of the engine a request needs is not installed or not ready."""

    code = "unavailable"
    http_status = 503
    exit_code = 2


class CodeMismatch(Unavailable):
    """A Spark worker runs another tradescreen (version or code) than the driver that built
    the job: the job stops before scoring a row with another matcher."""

    code = "code_mismatch"


class AuditError(TradescreenError):
    """The audit chain does not verify."""

    code = "audit_error"
    http_status = 500
    exit_code = 10


class AuditKeyMissing(AuditError):
    """The audit key is missing or unreadable while the chain holds records: nothing is
    appended (a new key would break the chain) until it is restored."""

    code = "audit_key_missing"
    http_status = 503
    exit_code = 10


class Interrupted(TradescreenError):
    """A long job (a file batch) was stopped by the user (Ctrl-C, SIGINT) after saving its
    checkpoint; the message says how to resume."""

    code = "interrupted"
    http_status = 503
    exit_code = 130
