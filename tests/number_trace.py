"""Trace every number printed on a card back to the run record (or card.yaml) it was built from.

The rules a printed number may follow are documented in docs/traceability.md; in short, a number
on the card is accepted when it is:

1. part of an identifier that appears whole in a text of the record or card.yaml (a run id, a
   file name, a package version, `mobilenetv2`, `bs32`, a sha256), or one of the few fixed
   words of the templates (`FIXED_WORDS`, e.g. `F1`, `top-5`, `0-255`);
2. a whole number equal to an integer of the record (or an integral float, or the length of a
   list/mapping of the record, such as the number of sweep members), or a number written as a
   word in a text of the record or card.yaml (`4 W per thread`, `x / 127.5 - 1`, `2026`);
3. a number equal to a record number rounded to the printed number of decimals, or to 3 to 6
   significant digits (`1148.84375` -> `1149`), after one of the documented unit changes: none,
   seconds to minutes (/60) or hours (/3600), bytes to MB (/10^6), kg to g (*1000); a printed
   sign is ignored here;
4. a percentage `p%` equal to a record (or card.yaml) share printed as the tables print it
   (3 decimals) times 100, e.g. 0.9375 -> table "0.938" -> "93.8%";
5. a number printed with a sign (`-0.214`, `+0.050`): also the difference of two record
   numbers of the same kind (the same last three keys, e.g. `metrics.accuracy.value` of two
   evaluation sets), rounded to the printed decimals;
6. (issue 24) a sum of the emissions phases' figures over the phases that share a kind, a
   configuration (run id), both, the configuration's compared kinds (fit, evaluation,
   examples), or the measurements of the saved model (efficiency, inference_cost) and the rest
   (training); and the count-weighted mean confidence of the reliability bins. Both then go
   through rule 3 (with its unit changes, which also hold MiB and GiB to the card's MB and GB).
7. (issue 25) a test size from sample-size planning, recomputed here with an independent Wilson
   interval: the smallest n at which round(rate * n) right of n gives an interval wholly on one side
   of a bar of card.yaml (a number between 0 and 1), or a half width of at most 0.10, for a rate of
   the record's evaluations (accuracy, or a class's recall).

Anything else is reported: a number from nowhere.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import yaml

# Fixed words of the templates that contain digits but state no measurement.
FIXED_WORDS = {"F1", "top-5", "0-255", "float32", "sha256", "CO2eq", "CO2", "co2_eq_emissions", "p95", "(p95)",
               # the glossary's fixed definitions (modelcard/card/glossary.py, card/intervals.py)
               "1,000,000", "64-bit", "1998", "2003", "2017", "2019", "2015", "95th"}
#: Unit changes: none, s to min and h, bytes to MB, kg to g, MiB to MB and to bytes, GiB to GB.
SCALES = (1.0, 1 / 60, 1 / 3600, 1e-6, 1000.0, 2**20 / 1e6, float(2**20), 2**30 / 1e9)
MEASUREMENT_KINDS = ("efficiency", "inference_cost")
CONFIGURATION_KINDS = ("fit", "evaluation", "examples")
_NUMBER = re.compile(r"(?<![\d.])([-+]?)(\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?)")
_STRIP = "*_`()[]{}|,;:.!?\"'<>=/\\"


class Sources:
    """Every number and every text of a run record plus card.yaml."""

    def __init__(self, record: dict, card_yaml_text: str = ""):
        self.numbers: list[float] = []
        self.ints: set[int] = set()
        self.texts: list[str] = [card_yaml_text]
        self.by_kind: dict[tuple, list[float]] = {}
        self._walk(record, ())
        self._walk(yaml.safe_load(card_yaml_text) or {}, ())
        self.numbers += _derived(record)
        self.ints.update(_planned(record, yaml.safe_load(card_yaml_text) or {}))
        self.words = set()
        for text in self.texts:
            self.words.update(w.strip(_STRIP) for w in re.split(r"[\s,;()\[\]'\"=]+", text))
            self.words.update(w.strip(_STRIP) for w in text.split())

    def _walk(self, value, path: tuple) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, (int, float)):
            self.numbers.append(float(value))
            self.by_kind.setdefault(path[-3:], []).append(float(value))
            if float(value).is_integer():
                self.ints.add(int(value))
        elif isinstance(value, str):
            self.texts.append(value)
        elif isinstance(value, dict):
            self.ints.add(len(value))
            for key, item in value.items():
                self.texts.append(str(key))
                self._walk(item, path + (str(key),))
        elif isinstance(value, (list, tuple)):
            self.ints.add(len(value))
            for item in value:
                self._walk(item, path + ("[]",))

    def traces(self, token: str, sign: str = "") -> bool:
        """Whether one printed number (as extracted by `numbers_in`) follows a documented rule."""
        if token.endswith("%"):
            if token in self.words:  # a percentage written in a text of the record (a definition)
                return True
            shown = Decimal(token[:-1].replace(",", ""))
            return any(Decimal(f"{v:.3f}") * 100 == shown for v in self.numbers)
        plain = token.replace(",", "")
        if token in self.words or (re.fullmatch(r"\d+", plain) and int(plain) in self.ints):
            return True
        if re.fullmatch(r"\d{4,}", plain) and any(round(v * s) == int(plain) for v in self.numbers for s in SCALES[-3:]):
            return True  # a byte count from MiB (rule 3's unit changes)
        mantissa = plain.split("e")[0]
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        for v in self.numbers:
            for scale in SCALES:
                x = abs(v * scale)
                if ("e" not in plain and "." in plain and f"{x:.{decimals}f}" == plain) or \
                        any(f"{x:.{k}g}" == plain for k in range(3, 7)):
                    return True
        return bool(sign) and "e" not in plain and self._difference(float(plain), decimals)

    def _difference(self, value: float, decimals: int) -> bool:
        shown = f"{value:.{decimals}f}"
        return any(f"{abs(a - b):.{decimals}f}" == shown
                   for values in self.by_kind.values() for a in values for b in values)


def _derived(record: dict) -> list[float]:
    """Rule 6: phase sums by kind, configuration, compared kinds and measurements; the bins' mean confidence."""
    out = []
    phases = ((record.get("emissions") or {}).get("phases") or [])
    groups: dict[tuple, list[dict]] = {}
    for p in phases:
        for key in (("kind", p["kind"]), ("run", p.get("run_id")), ("run-kind", p.get("run_id"), p["kind"]),
                    ("measurement", p["kind"] in MEASUREMENT_KINDS),
                    ("compared", p.get("run_id"), p["kind"] in CONFIGURATION_KINDS)):
            groups.setdefault(key, []).append(p)
    for members in groups.values():
        for field in ("duration_s", "energy_kwh", "emissions_kg"):
            out.append(sum(p.get(field) or 0.0 for p in members))
    for ev in (record.get("evaluations") or {}).values():
        bins = [b for b in ((ev.get("calibration") or {}).get("bins") or []) if b.get("count")]
        if bins:
            out.append(sum(b["confidence"] * b["count"] for b in bins) / sum(b["count"] for b in bins))
    return out


def _wilson(k: np.ndarray, n: np.ndarray, z: float = 1.959963984540054) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval in its textbook form (Wilson 1927), written apart from modelcard's."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _bars(value) -> list[float]:
    """Every number between 0 and 1 in card.yaml (bars; ids and years fall outside)."""
    if isinstance(value, dict):
        return [b for v in value.values() for b in _bars(v)]
    if isinstance(value, list):
        return [b for v in value for b in _bars(v)]
    return [float(value)] if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1 else []


def _planned(record: dict, card_yaml: dict, limit: int = 200_000) -> set[int]:
    """Rule 7: the test sizes that settle a card.yaml bar, or reach +-0.10, at a rate of the record."""
    rates = set()
    for ev in (record.get("evaluations") or {}).values():
        metrics = ev.get("metrics") or {}
        rates.add((metrics.get("accuracy") or {}).get("value"))
        rows = ev.get("per_class") or []
        rates.update((row.get("recall") or {}).get("value") for row in (rows.values() if isinstance(rows, dict) else rows)
                     if isinstance(row, dict))
    rates = {float(r) for r in rates if isinstance(r, (int, float)) and 0 <= r <= 1}
    n = np.arange(1, limit + 1, dtype=float)
    found = set()
    for rate in rates:
        low, high = _wilson(np.rint(rate * n), n)
        hits = [(high - low) / 2 <= 0.10] + [low > bar if rate > bar else high < bar for bar in _bars(card_yaml)]
        found.update(int(n[np.argmax(h)]) for h in hits if h.any())
    return found


def numbers_in(text: str, sources: Sources) -> list[tuple[str, str, str]]:
    """(sign, number, the word it was found in) for each number of `text` not in an identifier."""
    found = []
    for word in text.split():
        core = word.strip(_STRIP)
        if not re.search(r"\d", core):
            continue
        if core in FIXED_WORDS or (not _NUMBER.fullmatch(core) and core in sources.words):
            continue
        for part in re.split(r"[=/]", core):
            part = part.strip(_STRIP)
            if part in FIXED_WORDS or (not _NUMBER.fullmatch(part) and part in sources.words):
                continue
            found += [(m.group(1), m.group(2).rstrip(","), word) for m in _NUMBER.finditer(part)]
    return found


def untraced(text: str, record: dict, card_yaml_text: str = "") -> list[tuple[str, str]]:
    """Every (number, word) printed in `text` that no documented rule derives from the sources."""
    sources = Sources(record, card_yaml_text)
    return [(sign + token, word) for sign, token, word in numbers_in(text, sources) if not sources.traces(token, sign)]
