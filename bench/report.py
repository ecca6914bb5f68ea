"""The results: one row per measure, printed as a Markdown table and written to bench/results.json."""

import json
import statistics
from dataclasses import asdict, dataclass, field


@dataclass
class Row:
    work: str
    median: str
    reference: str
    reference_median: str
    target: str
    passed: bool | None  # None: a figure shown for information, with no target of its own
    p95: str = ""
    ratio: str = ""
    details: dict = field(default_factory=dict)

    @property
    def verdict(self):
        return "—" if self.passed is None else "pass" if self.passed else "**FAIL**"


def median(values):
    return statistics.median(values)


def p95(values):
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def seconds(value):
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def bound(value):
    """A target's limit in seconds, as the issue states it: "0.3 s"."""
    return f"{value:g} s"


def ratio(value):
    return "—" if value is None else f"{value:.3g} ×" if value >= 0.1 else f"{value:.3f} ×"


def size(count):
    return f"{count / 1_000_000:.2f} MB" if count >= 100_000 else f"{count / 1000:.1f} kB"


HEADER = ("Work", "Median", "p95", "Reference", "Reference median", "Ratio", "Target", "Result")


def markdown(rows):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(" --- " for _ in HEADER) + "|"]
    for row in rows:
        cells = (
            row.work,
            row.median,
            row.p95 or "—",
            row.reference,
            row.reference_median,
            row.ratio or "—",
            row.target,
            row.verdict,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def write(path, rows, machine, setup):
    path.write_text(
        json.dumps(
            {
                "machine": machine,
                "setup": setup,
                "passed": all(row.passed is not False for row in rows),
                "rows": [{**asdict(row), "verdict": row.verdict.strip("*")} for row in rows],
                "table": markdown(rows),
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
