"""Dependency audit for ``make check``: pip-audit, read strictly.

Plain ``pip-audit`` prints "No known vulnerabilities found" and exits 0 when it could not look a
dependency up (it skips it), so on a machine that cannot reach the vulnerability service it
passes having audited nothing. ``--strict`` fails then, but also stops at the first skip and
cannot tell "vulnerable" from "not looked up". This wrapper runs pip-audit once with JSON output
and decides itself:

- any dependency with a known vulnerability: exit 1, one line per finding;
- every dependency looked up, none vulnerable: exit 0;
- some looked up and some skipped: exit 1 (a partial audit is not a pass);
- none looked up (the service is unreachable, as on this project's CI, which reaches only the
  package indexes): prints ``dependency audit NOT RUN`` with the reason and exits 0, or 2 when
  ``TRADESCREEN_AUDIT_REQUIRED=1`` (set it wherever the service is reachable: a release job);
- pip-audit itself fails or prints no JSON: exit 2.

``PIP_AUDIT`` names the pip-audit executable (default: the one beside this Python), which the
tests use to run the wrapper against a stand-in that prints fixed JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 600


def _pip_audit() -> str:
    return os.environ.get("PIP_AUDIT") or str(Path(sys.executable).with_name("pip-audit"))


def decide(report: dict[str, object], required: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print for one pip-audit JSON report."""
    deps = report.get("dependencies")
    if not isinstance(deps, list):
        return 2, ["dependency audit failed: pip-audit JSON has no 'dependencies' list"]
    found: list[str] = []
    audited: list[str] = []
    skipped: list[tuple[str, str]] = []
    for dep in deps:
        if not isinstance(dep, dict):
            continue
        name = f"{dep.get('name')} {dep.get('version') or ''}".strip()
        if "skip_reason" in dep:
            skipped.append((name, str(dep["skip_reason"])))
            continue
        audited.append(name)
        for vuln in dep.get("vulns") or []:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            found.append(f"{name}: {vuln.get('id')} (fixed in {fixes})")
    if found:
        return 1, [f"dependency audit FAILED: {len(found)} known vulnerabilities", *found]
    if not audited and skipped:
        line = (
            f"dependency audit NOT RUN: none of {len(skipped)} dependencies could be looked up "
            f"(e.g. {skipped[0][1]}); the vulnerability service is unreachable from here"
        )
        return (2 if required else 0), [line]
    if skipped:
        lines = [f"dependency audit FAILED: {len(skipped)} of {len(deps)} not looked up"]
        return 1, lines + [f"{n}: {why}" for n, why in skipped[:20]]
    return 0, [f"dependency audit passed: {len(audited)} dependencies, no known vulnerabilities"]


def main(argv: list[str]) -> int:
    cmd = [
        _pip_audit(),
        "--skip-editable",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--timeout",
        "15",
        *argv,
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"dependency audit failed: could not run {cmd[0]}: {exc}", file=sys.stderr)
        return 2
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"dependency audit failed: pip-audit exit {proc.returncode}: {tail}", file=sys.stderr)
        return 2
    required = os.environ.get("TRADESCREEN_AUDIT_REQUIRED", "") not in ("", "0")
    code, lines = decide(report, required)
    for line in lines:
        print(line, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
