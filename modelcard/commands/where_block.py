"""The closing block of a first run: where the cards are, the headline result, how to open them.

`python -m modelcard.commands.where_block cards/NAME.meta.json` prints it from the sidecar `build`
writes (so every number is the card's own); scripts/demo.sh ends with it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def headline_text(headline: dict | None) -> str:
    """`test accuracy 0.938 (95% interval 0.799 to 0.983, Wilson score interval)` or a line saying there is none."""
    if not headline or headline.get("value") is None:
        return "no headline metric was measured (see the card's Evaluation section)"
    text = f"{headline.get('set', 'test')} {headline.get('metric', 'accuracy')} {headline['value']:.3f}"
    if headline.get("ci_low") is not None and headline.get("ci_high") is not None:
        level = f"{round(100 * headline.get('confidence', 0.95))}% interval"
        method = f", {headline['method']}" if headline.get("method") else ""
        text += f" ({level} {headline['ci_low']:.3f} to {headline['ci_high']:.3f}{method})"
    return text


def where_block(meta_path: Path) -> str:
    """The lines to print after a build, read from the card's `.meta.json` sidecar."""
    meta = json.loads(Path(meta_path).read_text(encoding="utf-8"))
    folder, slug = Path(meta_path).parent, meta["slug"]
    figures = folder / "figures" / slug
    n_figures = sum(1 for name in meta.get("files", {}) if name.startswith(f"figures/{slug}/"))
    rows = [("Markdown", folder / f"{slug}.md"), ("HTML", folder / f"{slug}.html"),
            ("JSON", folder / f"{slug}.mct.json"), ("BOM", folder / f"{slug}.cdx.json"),
            ("Data", folder / f"{slug}.data.html"), ("Croissant", folder / f"{slug}.croissant.json"), ("Figures", figures)]
    lines = [f"Cards for {meta.get('name', slug)} (run {meta.get('run_id', '?')}):"]
    for label, path in rows:
        if path.exists():
            note = {"JSON": "  (Model Card Toolkit format)", "BOM": "  (CycloneDX 1.6 ML-BOM)",
                    "Data": "  (the data card)", "Croissant": "  (the data card as Croissant JSON-LD)",
                    "Figures": f"  ({n_figures} files)"}.get(label, "")
            lines.append(f"  {label:<10}{path}{note}")
    lines.append(f"Headline: {headline_text(meta.get('headline'))}")
    html = folder / f"{slug}.html"
    if html.exists():
        lines.append(f"Open the HTML card in a browser (self-contained, works offline): xdg-open {html}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m modelcard.commands.where_block cards/NAME.meta.json", file=sys.stderr)
        return 2
    try:
        print(where_block(Path(argv[0])))
    except (OSError, ValueError, KeyError) as exc:
        print(f"where_block: cannot read {argv[0]} ({exc}); run `modelcard build` first", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
