"""Transliteration to lower-case Latin: Han (with generic words translated), everything else.

Han text is segmented greedily against a small dictionary of the generic words of Chinese
company names (translated to English: 数字技术 → "digital technology", 有限公司 → "co ltd") and
of place names (kept as one pinyin token: 杭州 → "hangzhou"); every other run of Han characters
becomes ONE token of joined pinyin syllables (海康威视 → "haikangweishi"), so "Zhongxing",
"Zhong Xing" and 中兴 meet (the scorer also aligns split and joined forms). Traditional
characters are folded to simplified ones for the dictionary; pypinyin reads both.
Chinese numerals become digits (第十四研究所 → "14 research institute").
Other scripts (Cyrillic, Arabic, Greek, Hebrew, Georgian, Korean, kana...) go through anyascii.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

from anyascii import anyascii

# Generic words of Chinese organisation names → English (longest match wins).
HAN_GENERIC: dict[str, str] = {
    "股份有限公司": "co ltd",
    "有限责任公司": "co ltd",
    "集团有限公司": "group co ltd",
    "有限公司": "co ltd",
    "分公司": "branch",
    "公司": "company",
    "集团": "group",
    "控股": "holdings",
    "数字技术": "digital technology",
    "科技": "technology",
    "技术": "technology",
    "数字": "digital",
    "信息": "information",
    "微电子": "microelectronics",
    "电子": "electronics",
    "光电": "optoelectronics",
    "通信": "communication",
    "通讯": "communication",
    "网络": "network",
    "软件": "software",
    "系统": "system",
    "工程": "engineering",
    "研究所": "research institute",
    "研究院": "research institute",
    "研究中心": "research center",
    "研究": "research",
    "大学": "university",
    "学院": "institute",
    "实验室": "laboratory",
    "中心": "center",
    "中国": "china",
    "国际": "international",
    "贸易": "trading",
    "工业": "industry",
    "实业": "industrial",
    "电气": "electric",
    "机械": "machinery",
    "设备": "equipment",
    "仪器": "instrument",
    "航空": "aviation",
    "航天": "aerospace",
    "船舶": "shipbuilding",
    "重工": "heavy industry",
    "半导体": "semiconductor",
    "发展": "development",
    "投资": "investment",
    "物流": "logistics",
    "能源": "energy",
    "材料": "materials",
    "化工": "chemical",
    "制造": "manufacturing",
    "工厂": "factory",
    "香港": "hong kong",
    "澳门": "macau",
}

# Place names kept as one pinyin token each (only needed so they split from what follows).
HAN_PLACES: list[str] = [
    "北京",
    "上海",
    "天津",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "深圳",
    "杭州",
    "广州",
    "南京",
    "武汉",
    "成都",
    "西安",
    "苏州",
    "无锡",
    "宁波",
    "合肥",
    "长沙",
    "郑州",
    "济南",
    "青岛",
    "大连",
    "沈阳",
    "哈尔滨",
    "长春",
    "厦门",
    "福州",
    "珠海",
    "东莞",
    "佛山",
    "昆明",
    "贵阳",
    "南昌",
    "太原",
    "石家庄",
    "兰州",
    "乌鲁木齐",
    "呼和浩特",
    "南宁",
    "海口",
    "绵阳",
    "洛阳",
    "常州",
    "温州",
    "保定",
    "烟台",
    "泉州",
    "嘉兴",
    "绍兴",
    "中山",
    "惠州",
]

# Traditional → simplified for the characters the dictionaries above use.
_TRAD = str.maketrans(
    "術數電團國際貿學統業機設備發實資導體廣東聯網絡訊務車華為氣龍門灣寧陝蘇無錫慶遼蘭廈鄭瀋"
    "長貴陽溫個儀器製廠區滬臺灣漢湯蘭義烏魯齊爾濱莊將開員問題傳輸軟韓結構電腦協會經濟",
    "术数电团国际贸学统业机设备发实资导体广东联网络讯务车华为气龙门湾宁陕苏无锡庆辽兰厦郑沈"
    "长贵阳温个仪器制厂区沪台湾汉汤兰义乌鲁齐尔滨庄将开员问题传输软韩结构电脑协会经济",
)

_HAN_NUM = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_HAN_NUM.update({"六": 6, "七": 7, "八": 8, "九": 9})
_HAN_UNITS = {"十": 10, "百": 100}


def _pinyin(text: str) -> str:
    # imported on first use: pypinyin loads its phrase dictionary at import (0.35 s on a quiet
    # machine, a third of a CLI command's start), and most screenings never meet a Han name
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


@cache
def _dictionary() -> tuple[dict[str, str], int]:
    """Generic words and place names → their reading, and the longest key's length."""
    words = dict(HAN_GENERIC)
    words.update({p: _pinyin(p) for p in HAN_PLACES})
    return words, max(len(k) for k in words)


def is_han(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2EBEF
        or 0xF900 <= o <= 0xFAFF
        or ch == "〇"
    )


def _han_number(run: str) -> int | None:
    """Value of a run of Chinese numerals (十四 → 14, 三十八 → 38, 五十二 → 52)."""
    if not run or any(c not in _HAN_NUM and c not in _HAN_UNITS for c in run):
        return None
    if all(c in _HAN_NUM for c in run):
        return int("".join(str(_HAN_NUM[c]) for c in run))
    total, digit = 0, None
    for c in run:
        if c in _HAN_NUM:
            digit = _HAN_NUM[c]
        else:
            total += (1 if digit is None else digit) * _HAN_UNITS[c]
            digit = None
    return total + (digit or 0)


def _segment_han(run: str) -> list[str]:
    words, longest = _dictionary()
    simple = run.translate(_TRAD)
    out: list[str] = []
    pending = ""  # original characters of an unknown run: becomes one joined pinyin token

    def flush() -> None:
        nonlocal pending
        if pending:
            out.append(_pinyin(pending))
            pending = ""

    i = 0
    while i < len(simple):
        # numerals (with an optional 第 ordinal prefix)
        j = i + 1 if simple[i] == "第" else i
        k = j
        while k < len(simple) and (simple[k] in _HAN_NUM or simple[k] in _HAN_UNITS):
            k += 1
        if k > j:
            value = _han_number(simple[j:k])
            if value is not None:
                flush()
                out.append(str(value))
                i = k
                continue
        for size in range(min(longest, len(simple) - i), 1, -1):
            word = simple[i : i + size]
            if word in words:
                flush()
                out.append(words[word])
                i += size
                break
        else:
            pending += run[i]
            i += 1
    flush()
    return out


@lru_cache(maxsize=65536)
def transliterate(text: str) -> str:
    """Latin (mostly ASCII) text for any input; Han is segmented and partly translated."""
    if text.isascii():
        return text
    parts: list[str] = []
    buf: list[str] = []
    han: list[str] = []

    def flush_buf() -> None:
        if buf:
            parts.append(anyascii("".join(buf)))
            buf.clear()

    def flush_han() -> None:
        if han:
            parts.append(" " + " ".join(_segment_han("".join(han))) + " ")
            han.clear()

    for ch in text:
        if is_han(ch) or (ch == "第" and han):
            flush_buf()
            han.append(ch)
        elif ch.isascii() or (unicodedata.category(ch).startswith("L") and ch.isalpha()):
            flush_han()
            buf.append(ch)
        else:
            flush_han()
            buf.append(ch if ch.isascii() else (anyascii(ch) or " "))
    flush_buf()
    flush_han()
    return "".join(parts)
