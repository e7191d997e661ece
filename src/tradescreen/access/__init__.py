"""Access: API keys and roles, shared by the API, the web UI and the CLI's ``keys`` commands.

Keys are stored hashed (``access/tables.py``); roles nest screener < reviewer < admin.
"""

from tradescreen.access.keys import (
    ApiKey,
    Role,
    create_key,
    list_keys,
    parse_token,
    revoke_key,
    verify_key,
)

__all__ = ["ApiKey", "Role", "create_key", "list_keys", "parse_token", "revoke_key", "verify_key"]
