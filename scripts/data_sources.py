"""Where the test data comes from (``make data``): every official list source, its download URLs,
and the real-data files the tests read (snapshots of those sources, kept outside the repository).

The real-data folder is ``$TRADESCREEN_TEST_DATA`` when set, else ``<repo>/../shared/data`` (the
rule of ``tests/data_paths.py``). Without it the real-data tests are skipped (failed in CI).

    python scripts/data_sources.py             # each source and file: URL, origin, present?
    python scripts/data_sources.py --json      # the same as JSON
    python scripts/data_sources.py --download  # today's official files, with `tradescreen update`

``--download`` needs ``TRADESCREEN_TEST_DATA`` and writes ``$TRADESCREEN_TEST_DATA/official/``
(``downloads/`` and ``tradescreen.db``). Those are today's editions: the dated files the tests
check exact counts on (the April 2022 CSL, the 2021-07 SDN set, ...) are past editions that the
official sites no longer serve, so each one is listed with the public snapshot it was copied
from (details and licences: ``PROVENANCE.md`` in the data folder). Several are third-party
parses or CC-BY-NC / unlicensed transcriptions: read them by path, never copy them into the
repository. Nothing here runs in the tests; ``tests/unit/test_data_sources.py`` checks that the
sources listed here are exactly the download URLs of ``tradescreen.sources``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ENV = "TRADESCREEN_TEST_DATA"
REPO = Path(__file__).resolve().parents[1]
OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


@dataclass(frozen=True)
class Source:
    """One official source: ``feed`` is its ``tradescreen update --list`` code (None when the
    project reads the file but does not download it)."""

    code: str
    title: str
    urls: tuple[str, ...]
    feed: str | None = None


@dataclass(frozen=True)
class DataFile:
    """A real-data file the tests read: the source it is a snapshot of (None for third-party
    compilations with no official download) and where the copy came from."""

    path: str  # relative to the data folder
    source: str | None
    origin: str
    licence: str


SOURCES: tuple[Source, ...] = (
    Source(
        "us_csl",
        "trade.gov Consolidated Screening List (CSV)",
        ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",),
        feed="us_csl",
    ),
    Source(
        "us_ofac_sdn",
        "OFAC SDN list (legacy CSV set; SDN.CSV is the primary file's other address)",
        (
            *(OFAC + n for n in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")),
            OFAC + "SDN.CSV",
        ),
        feed="us_ofac_sdn",
    ),
    Source(
        "us_ofac_cons",
        "OFAC Consolidated non-SDN list (legacy CSV set; CONS_PRIM.CSV likewise)",
        (
            *(OFAC + n for n in ("cons_prim.csv", "cons_add.csv", "cons_alt.csv")),
            OFAC + "cons_comments.csv",
            OFAC + "CONS_PRIM.CSV",
        ),
        feed="us_ofac_cons",
    ),
    Source("us_ofac_cons_xml", "OFAC non-SDN Enhanced XML", (OFAC + "CONS_ENHANCED.ZIP",)),
    Source(
        "un_sc",
        "UN Security Council Consolidated List (XML)",
        ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
        feed="un_sc",
    ),
    Source(
        "us_bis_dpl", "BIS Denied Persons List (dpl.txt)", ("https://www.bis.doc.gov/dpl/dpl.txt",)
    ),
    Source(
        "eu_fsf",
        "EU consolidated financial sanctions (XML)",
        ("https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content",),
    ),
    Source(
        "uk_sanctions",
        "UK Sanctions List (publication page)",
        ("https://www.gov.uk/government/publications/the-uk-sanctions-list",),
    ),
)

WM = "github.com/moov-io/watchman"
NSF = "github.com/phagehunter/nsfreg @ 02787e87e65d9452d34e1413859cbea1b0a94b00"
OS = "github.com/opensanctions/opensanctions @ f33cff233ff4393a8c71784cfe280275727b52ca"
YE = "github.com/opensanctions/yente @ 916a474c078bb21c27ed1854f3476a854f1b8ab5"
NSF_NOTE = "NO-LICENCE (facts PD)"

FILES: tuple[DataFile, ...] = (
    DataFile(
        "lists/us_csl/consolidated_2022-04.csv.gz",
        "us_csl",
        f"{WM} @ cb4dc141c8d7d3c58e3d17c7ea6bd4b1da1e6102 : pkg/csl/testdata/consolidated.csv.gz",
        "PD",
    ),
    DataFile(
        "lists/us_csl/csl_partial_2023-11.csv.gz",
        "us_csl",
        f"{WM} @ c815c5995ebd1f956027e62efbfb6f020f6425ad : test/testdata/csl.csv (gzipped)",
        "PD",
    ),
    DataFile(
        "lists/us_ofac_sdn/2021-07",
        "us_ofac_sdn",
        f"{WM} @ d299005fe25f511fe8abdb6425c745e16cb5ca2c : test/testdata/bench/",
        "PD",
    ),
    DataFile(
        "lists/us_ofac_sdn/2024-05-03/sdn.csv",
        "us_ofac_sdn",
        "github.com/jackdwyer/specially-designated-nationals-list"
        " @ a5ec3c5ee4aae1b36ba24897a051787ea5429d30 : sdn.csv",
        "PD",
    ),
    DataFile(
        "lists/us_ofac_sdn/2025-12",
        "us_ofac_sdn",
        f"{WM} @ 2928c9496384fa9fad4e21bddd144c8fd42587b1 : internal/tfidf/testdata/ (no sdn.csv)",
        "PD",
    ),
    DataFile(
        "lists/us_ofac_cons/2025-12",
        "us_ofac_cons",
        f"{WM} @ d299005fe25f511fe8abdb6425c745e16cb5ca2c : test/testdata/cons_*.csv",
        "PD",
    ),
    DataFile(
        "lists/us_ofac_cons/2025-01/CONS_ENHANCED.ZIP",
        "us_ofac_cons_xml",
        f"{WM} @ a8dfe527fcbb1be966e2a4eb8b8db4a6854c5ab7"
        " : pkg/sources/csl_us/testdata/CONS_ENHANCED.ZIP",
        "PD",
    ),
    DataFile(
        "lists/un_sc/UN_consolidated_2026-02-27.xml.gz",
        "un_sc",
        f"{WM} @ d299005fe25f511fe8abdb6425c745e16cb5ca2c : test/testdata/UN_consolidated.xml"
        " (gzipped)",
        "UN (public, no open licence)",
    ),
    DataFile(
        "lists/us_bis_dpl/dpl_2023-11.txt",
        "us_bis_dpl",
        f"{WM} @ c815c5995ebd1f956027e62efbfb6f020f6425ad : test/testdata/dpl.txt",
        "PD",
    ),
    DataFile(
        "lists/us_bis_dpl/bis_dpl_2026-04-14.json", None, f"{NSF} : data/bis_dpl.json", NSF_NOTE
    ),
    DataFile(
        "lists/us_bis_entity_list/bis_entity_list_ecfr_2026-07.json",
        None,
        f"{NSF} : data/bis_entity_list.json (eCFR 15 CFR 744 Supp. 4)",
        NSF_NOTE,
    ),
    DataFile(
        "lists/us_bis_meu/bis_meu_ecfr_2026-07.json", None, f"{NSF} : data/bis_meu.json", NSF_NOTE
    ),
    DataFile(
        "lists/us_ofac_nscmic/ofac_nscmic_2026-07.json",
        None,
        f"{NSF} : data/ofac_nscmic.json",
        NSF_NOTE,
    ),
    DataFile(
        "lists/us_ofac_nscmic/ofac_eo14032_annex_2021-06.json",
        None,
        f"{NSF} : data/ofac_eo14032_annex.json",
        NSF_NOTE,
    ),
    DataFile(
        "lists/us_dod_1260h/dow_1260h_2026-06-10.json",
        None,
        f"{NSF} : data/dow_1260h.json",
        NSF_NOTE,
    ),
    DataFile(
        "lists/us_dod_1260h/opensanctions_dod_chinese_milcorps.csv",
        None,
        f"{OS} : datasets/us/dod_chinese_milcorps/sanctions.csv",
        "CC-BY-NC (evaluation only)",
    ),
    DataFile("lists/us_dod_1286/dow_1286_fy24.json", None, f"{NSF} : data/dow_1286.json", NSF_NOTE),
    DataFile("lists/us_state_ddtc_debarred/ddtc_statutory_2025-08-25.json", None, NSF, NSF_NOTE),
    DataFile("lists/us_state_ddtc_debarred/ddtc_admin_2023-06-01.json", None, NSF, NSF_NOTE),
    DataFile("lists/us_state_isn/state_nonproliferation_2025-05.json", None, NSF, NSF_NOTE),
    DataFile("lists/us_fcc_covered/fcc_covered_2026-07.json", None, NSF, NSF_NOTE),
    DataFile("lists/us_dhs_uflpa/dhs_uflpa_2026-07.json", None, NSF, NSF_NOTE),
    DataFile("lists/us_cbp_wro/cbp_wro_2026-06-23.json", None, NSF, NSF_NOTE),
    DataFile(
        "lists/eu_opensanctions_journal/32014R0833.csv.gz",
        None,
        f"{OS} : datasets/eu/journal_sanctions/data/consolidated/32014R0833.csv (gzipped)",
        "CC-BY-NC (evaluation only)",
    ),
    DataFile(
        "lists/eu_opensanctions_journal/32014R0269.csv.gz",
        None,
        f"{OS} : datasets/eu/journal_sanctions/data/consolidated/32014R0269.csv (gzipped)",
        "CC-BY-NC (evaluation only)",
    ),
    DataFile(
        "eval/yente_candidate_generation/negatives_global.csv.gz",
        None,
        f"{YE} : contrib/candidate_generation (synthetic negatives)",
        "MIT (see PROVENANCE.md)",
    ),
    DataFile(
        "eval/yente_candidate_generation/negatives_us.csv.gz",
        None,
        f"{YE} : contrib/candidate_generation (synthetic negatives)",
        "MIT (see PROVENANCE.md)",
    ),
)


def data_root() -> Path:
    configured = os.environ.get(ENV, "").strip()
    return (
        Path(configured).expanduser().resolve() if configured else REPO.parent / "shared" / "data"
    )


def report(root: Path) -> dict[str, object]:
    sources = {s.code: s for s in SOURCES}
    return {
        "data_folder": str(root),
        "found": root.is_dir(),
        "sources": [asdict(s) for s in SOURCES],
        "files": [
            {
                **asdict(f),
                "present": (root / f.path).exists(),
                "official_urls": list(sources[f.source].urls) if f.source else [],
            }
            for f in FILES
        ],
    }


def print_report(root: Path) -> int:
    rep = report(root)
    print(f"real-data folder: {root} ({'found' if rep['found'] else 'NOT FOUND'}; set {ENV})")
    print("\nofficial sources (download URLs in tradescreen.sources):")
    for s in SOURCES:
        how = f"tradescreen update --list {s.feed}" if s.feed else "not in tradescreen update"
        print(f"  {s.code:<20} {s.title}  [{how}]")
        for url in s.urls:
            print(f"      {url}")
    print("\nfiles the tests read (dated snapshots; see PROVENANCE.md in the data folder):")
    missing = 0
    for f in FILES:
        present = (root / f.path).exists()
        missing += not present
        print(f"  [{'ok' if present else '--'}] {f.path}")
        print(f"        of: {f.source or 'no official download (third-party compilation)'}")
        print(f"        from: {f.origin}  ({f.licence})")
    print(f"\n{len(FILES) - missing}/{len(FILES)} files present")
    return 0


def download(root: Path) -> int:
    if not os.environ.get(ENV, "").strip():
        print(f"--download writes into $TRADESCREEN_TEST_DATA/official: set {ENV}", file=sys.stderr)
        return 2
    out = root / "official"
    (out / "downloads").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TRADESCREEN_DOWNLOAD_DIR": str(out / "downloads")}
    cmd = [sys.executable, "-m", "tradescreen", "update", "--db", str(out / "tradescreen.db")]
    for s in SOURCES:
        if s.feed:
            cmd += ["--list", s.feed]
    print("running:", " ".join(cmd))
    return subprocess.run(cmd, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--download", action="store_true", help="fetch today's official files (tradescreen update)"
    )
    args = parser.parse_args(argv)
    root = data_root()
    if args.download:
        return download(root)
    if args.json:
        print(json.dumps(report(root), indent=2))
        return 0
    return print_report(root)


if __name__ == "__main__":
    sys.exit(main())
