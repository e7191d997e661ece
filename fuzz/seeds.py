"""Fuzz seed corpora, cut at run time from the shared list files (never stored in the repo).

``write_seeds(target, out_dir)`` writes a few small slices of the real file(s) for one target.
Slices are cut on line / record boundaries where that is cheap, so the fuzzer starts from
inputs that parse, and also from a truncated tail, so it starts from inputs that do not.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The real-data folder, found as the tests find it (tests/data_paths.py).
SHARED = (
    Path(os.environ.get("TRADESCREEN_TEST_DATA", "").strip() or REPO.parent / "shared" / "data")
    / "lists"
)
FIXTURES = REPO / "tests" / "sources" / "fixtures"

# target -> (reader format, file name the harness writes, seed source)
TARGETS: dict[str, tuple[str, str]] = {
    "csl_csv": ("csl_csv", "consolidated.csv"),
    "ofac_csv": ("ofac_csv", "sdn.csv"),
    "un_xml": ("un_xml", "consolidated.xml"),
    "nsf_json": ("nsf_json", "list.json"),
    "dpl_txt": ("dpl_txt", "dpl.txt"),
    "ofac_xml": ("ofac_xml", "CONS_ENHANCED.XML"),
    "ftm_json": ("ftm_json", "entities.ftm.json"),
    "eu_xml": ("eu_xml", "eu.xml"),
    "uk_xml": ("uk_xml", "uk.xml"),
    "os_journal": ("os_csv", "journal.csv"),  # the reader of OpenSanctions journal CSVs
}


def _raw(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        return gzip.decompress(data)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read(z.namelist()[0])
    return data


def _lines(data: bytes, n: int, start: int = 0, header: bool = True) -> bytes:
    lines = data.splitlines(keepends=True)
    head = lines[:1] if header else []
    return b"".join(head + lines[max(start, 1 if header else 0) : start + n])


def _xml_slice(data: bytes, close_tag: bytes, n_records: int, tail: bytes) -> bytes:
    """The document head up to the n-th ``close_tag``, then ``tail`` to close it."""
    pos = 0
    for _ in range(n_records):
        nxt = data.find(close_tag, pos)
        if nxt < 0:
            return data
        pos = nxt + len(close_tag)
    return data[:pos] + tail


def _ftm_seed() -> bytes:
    from tradescreen.sources import read_source
    from tradescreen.sources.ftm import write_ftm

    ents = []
    for i, e in enumerate(
        read_source(SHARED / "un_sc" / "UN_consolidated_2026-02-27.xml.gz").entities
    ):
        ents.append(e)
        if i >= 15:
            break
    buf = io.BytesIO()
    write_ftm(ents, buf)
    return buf.getvalue()


def seeds_for(target: str) -> list[bytes]:
    if target == "csl_csv":
        d = _raw(SHARED / "us_csl" / "consolidated_2022-04.csv.gz")
        return [_lines(d, 20), _lines(d, 10, start=11000), _lines(d, 5)[:-40]]
    if target == "ofac_csv":
        d = _raw(SHARED / "us_ofac_sdn" / "2024-05-03" / "sdn.csv")
        return [_lines(d, 30, header=False), _lines(d, 5, start=14000, header=False) + b"\x1a"]
    if target == "un_xml":
        d = _raw(SHARED / "un_sc" / "UN_consolidated_2026-02-27.xml.gz")
        return [
            _xml_slice(d, b"</INDIVIDUAL>", 3, b"</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"),
            d[:6000],
        ]
    if target == "nsf_json":
        import orjson

        out = []
        for rel in (
            "us_bis_entity_list/bis_entity_list_ecfr_2026-07.json",
            "us_bis_dpl/bis_dpl_2026-04-14.json",
            "us_fcc_covered/fcc_covered_2026-07.json",
        ):
            doc = orjson.loads((SHARED / rel).read_bytes())
            if isinstance(doc, dict):
                doc = {k: (v[:8] if isinstance(v, list) else v) for k, v in doc.items()}
            out.append(orjson.dumps(doc))
        return out
    if target == "dpl_txt":
        d = _raw(SHARED / "us_bis_dpl" / "dpl_2023-11.txt")
        return [_lines(d, 20), _lines(d, 4, start=600)]
    if target == "ofac_xml":
        d = _raw(SHARED / "us_ofac_cons" / "2025-01" / "CONS_ENHANCED.ZIP")
        return [_xml_slice(d, b"</entity>", 3, b"</entities></sanctionsData>"), d[:8000]]
    if target == "ftm_json":
        return [_ftm_seed()]
    if target == "eu_xml":
        return [(FIXTURES / "eu_fsf.xml").read_bytes()]
    if target == "uk_xml":
        return [(FIXTURES / "uk_sanctions.xml").read_bytes()]
    if target == "os_journal":
        d = _raw(SHARED / "eu_opensanctions_journal" / "32014R0833.csv.gz")
        return [_lines(d, 25), _lines(d, 10, start=900)]
    if target == "names":
        return [
            n.encode()
            for n in (
                'OOO "Rosneft" Trading Co., Ltd.',
                "Усама бен Ладен",
                "HUAWEI TECHNOLOGIES CO LTD",
                "محمد بن سلمان",
                "Kim Jong-un",
                "S.A. de C.V. Banco",
                "習近平",
                "Ibn Al-Khattab",
            )
        ]
    raise KeyError(target)


def write_seeds(target: str, out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = seeds_for(target)
    for i, blob in enumerate(seeds):
        (out_dir / f"seed-{i}").write_bytes(blob)
    return len(seeds)


if __name__ == "__main__":  # python fuzz/seeds.py TARGET DIR
    import sys

    print(write_seeds(sys.argv[1], Path(sys.argv[2])))
