#!/usr/bin/env bash
# Install the system packages the full test suite uses: a PostgreSQL server (store and service
# tests start a throwaway cluster from its binaries) and Debian's Chromium (web UI end-to-end
# tests). Idempotent; needs root and apt-get. Elsewhere it says what is missing and carries on:
# those tests then skip locally, and fail in CI (CI=true), where this script always runs as root.
set -euo pipefail
need=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "note: not installed: ${need[*]} (PostgreSQL and browser tests will skip)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
