"""Write the top of an HTML card for the README screenshot: its header, warnings and summary
(everything before the table of contents or the first section), then the Evaluation "Results" heading with its first
table. The sections in between are replaced by one line saying they were left out.

Usage: python scripts/card_top.py CARD.html OUT.html  (scripts/screenshot.sh --top calls it)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FOLD = ('<p style="color:#666;font-style:italic">&hellip; Model Details, Uses, Bias, Risks and '
        'Limitations, Training Details and the start of Evaluation are left out of this picture &hellip;</p>\n')


def card_top(html: str) -> str:
    """The trimmed page; ValueError when the card has no sections or no Results table."""
    first = re.search(r'<nav class="toc"|<h2[ >]', html)  # the table of contents, else the first section
    results_heading = re.search(r"<h3( id=\"[^\"]*\")?>Results</h3>", html)
    first_section = first.start() if first else -1
    results = results_heading.start() if results_heading else -1
    table_end = html.find("</table>", results) if results >= 0 else -1
    if min(first_section, results, table_end) < 0:
        raise ValueError("the card has no <h2> section or no Results table")
    table_end = html.find("</div>", table_end) + len("</div>")
    return html[:first_section] + FOLD + html[results:table_end] + "\n</body>\n</html>\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python scripts/card_top.py CARD.html OUT.html", file=sys.stderr)
        return 2
    try:
        Path(argv[1]).write_text(card_top(Path(argv[0]).read_text(encoding="utf-8")), encoding="utf-8")
    except (OSError, ValueError) as exc:
        print(f"card_top: cannot cut {argv[0]} ({exc})", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
