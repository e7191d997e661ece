"""List codes, official names, and how each source labels its lists.

A list code is short and stable (``us_bis_el``); the source's own name for the list stays beside
it in ``Listing.list_name``. ``CSL_SOURCES`` maps the trade.gov CSL ``source`` column;
``NSF_LISTS`` maps the ``list_id`` of the NSF/eCFR JSON files; ``OFAC_PROGRAMS`` maps the
program tags of the OFAC non-SDN (consolidated) files.
"""

from __future__ import annotations

LIST_NAMES: dict[str, str] = {
    "us_bis_el": "Entity List",
    "us_bis_dpl": "Denied Persons List",
    "us_bis_uvl": "Unverified List",
    "us_bis_meu": "Military End User List",
    "us_ofac_sdn": "Specially Designated Nationals and Blocked Persons List",
    "us_ofac_cons": "Consolidated Sanctions List (Non-SDN Lists)",
    "us_ofac_nscmic": "Non-SDN Chinese Military-Industrial Complex Companies List",
    "us_ofac_eo14032": "Annex to Executive Order 14032",
    "us_ofac_ssi": "Sectoral Sanctions Identifications List",
    "us_ofac_fse": "Foreign Sanctions Evaders List",
    "us_ofac_plc": "Non-SDN Palestinian Legislative Council List",
    "us_ofac_caps": "List of Foreign Financial Institutions Subject to Correspondent Account or "
    "Payable-Through Account Sanctions (CAPTA List)",
    "us_ofac_nsmbs": "Non-SDN Menu-Based Sanctions List",
    "us_state_isn": "Nonproliferation Sanctions",
    "us_state_dtc": "ITAR Debarred Parties",
    "us_state_dtc_admin": "ITAR Administratively Debarred Parties",
    "us_dod_1260h": "Section 1260H List of Chinese Military Companies",
    "us_dod_1286": "Section 1286 List of Foreign Institutions",
    "us_fcc_covered": "Covered List (Secure and Trusted Communications Networks Act)",
    "us_dhs_uflpa": "UFLPA Entity List",
    "us_cbp_wro": "Withhold Release Orders and Findings",
    "un_sc": "United Nations Security Council Consolidated List",
    "eu_fsf": "Consolidated list of persons, groups and entities subject to EU financial sanctions",
    "uk_sanctions": "UK Sanctions List",
    "eu_833_journal": "Regulation (EU) No 833/2014 annexes (OpenSanctions transcription)",
    "eu_269_journal": "Regulation (EU) No 269/2014 Annex I (OpenSanctions transcription)",
}

# trade.gov CSL `source` column → list code (2022 and 2023 spellings).
CSL_SOURCES: dict[str, str] = {
    "Entity List (EL) - Bureau of Industry and Security": "us_bis_el",
    "Denied Persons List (DPL) - Bureau of Industry and Security": "us_bis_dpl",
    "Unverified List (UVL) - Bureau of Industry and Security": "us_bis_uvl",
    "Military End User (MEU) List - Bureau of Industry and Security": "us_bis_meu",
    "Specially Designated Nationals (SDN) - Treasury Department": "us_ofac_sdn",
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department": (
        "us_ofac_nscmic"
    ),
    "Sectoral Sanctions Identifications List (SSI) - Treasury Department": "us_ofac_ssi",
    "Foreign Sanctions Evaders (FSE) - Treasury Department": "us_ofac_fse",
    "Palestinian Legislative Council List (PLC) - Treasury Department": "us_ofac_plc",
    "Capta List (CAP) - Treasury Department": "us_ofac_caps",
    "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department": "us_ofac_nsmbs",
    "Nonproliferation Sanctions (ISN) - State Department": "us_state_isn",
    "ITAR Debarred (DTC) - State Department": "us_state_dtc",
}

# NSF / eCFR JSON `list_id` → list code.
NSF_LISTS: dict[str, str] = {
    "bis-entity-list": "us_bis_el",
    "bis-meu": "us_bis_meu",
    "bis-dpl": "us_bis_dpl",
    "ofac-nscmic": "us_ofac_nscmic",
    "ofac-eo14032": "us_ofac_eo14032",
    "dow-1260h": "us_dod_1260h",
    "dow-1286": "us_dod_1286",
    "state-debarred-statutory": "us_state_dtc",
    "state-debarred-admin": "us_state_dtc_admin",
    "state-nonproliferation": "us_state_isn",
    "fcc-covered": "us_fcc_covered",
    "dhs-uflpa": "us_dhs_uflpa",
    "cbp-wro": "us_cbp_wro",
}

# OFAC consolidated (non-SDN) program tag → list code. Tags not listed fall back to the
# list the entry's program family belongs to, else ``us_ofac_cons``.
OFAC_PROGRAMS: dict[str, str] = {
    "CMIC-EO13959": "us_ofac_nscmic",
    "NS-CMIC": "us_ofac_nscmic",
    "UKRAINE-EO13662": "us_ofac_ssi",
    "SSI": "us_ofac_ssi",
    "NS-PLC": "us_ofac_plc",
    "FSE-SY": "us_ofac_fse",
    "FSE-IR": "us_ofac_fse",
    "FSE-WMD": "us_ofac_fse",
    "FSE-SDGT": "us_ofac_fse",
    "561-RELATED": "us_ofac_caps",
    "IFSR": "us_ofac_caps",
    "CAPTA": "us_ofac_caps",
    "RUSSIA-EO14024": "us_ofac_nsmbs",
    "CAATSA - RUSSIA": "us_ofac_nsmbs",
    "NS-MBS": "us_ofac_nsmbs",
}

# OFAC Enhanced XML `sanctionsList` text → list code.
OFAC_XML_LISTS: dict[str, str] = {
    "SDN List": "us_ofac_sdn",
    "Non-SDN CMIC List": "us_ofac_nscmic",
    "Sectoral Sanctions Identifications List": "us_ofac_ssi",
    "Non-SDN Palestinian Legislative Council List": "us_ofac_plc",
    "FSE List": "us_ofac_fse",
    "CAPTA List": "us_ofac_caps",
    "Non-SDN Menu-Based Sanctions List": "us_ofac_nsmbs",
}


def list_name(code: str) -> str:
    """The official name of a list code (the code itself when unknown)."""
    return LIST_NAMES.get(code, code)


def csl_list_code(source: str) -> str | None:
    """The list code of a CSL ``source`` value, tolerant of spacing; None when unknown."""
    s = " ".join(source.split())
    if s in CSL_SOURCES:
        return CSL_SOURCES[s]
    for key, code in CSL_SOURCES.items():
        abbrev = key[key.find("(") : key.find(")") + 1]
        if abbrev and abbrev in s:
            return code
    return None


def ofac_program_list(programs: tuple[str, ...]) -> str:
    """The non-SDN list an OFAC consolidated entry is on, from its program tags."""
    for p in programs:
        code = OFAC_PROGRAMS.get(p.upper().strip())
        if code:
            return code
    return "us_ofac_cons"
