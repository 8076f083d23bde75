"""The closing block the demo prints: where the cards are, the headline with its interval."""

from __future__ import annotations

import json

from modelcard.commands.where_block import headline_text, main, where_block


def test_block_names_each_card_file_and_the_headline_interval(tmp_path, capsys):
    slug = "demo-mobilenetv2"
    for suffix in (".md", ".html", ".mct.json"):
        (tmp_path / f"{slug}{suffix}").write_text("x")
    (tmp_path / "figures" / slug).mkdir(parents=True)
    meta = {"slug": slug, "name": slug, "run_id": "20260101T000000Z-abc123",
            "files": {f"{slug}.md": "0", f"figures/{slug}/a.svg": "0", f"figures/{slug}/b.svg": "0"},
            "headline": {"set": "test", "metric": "accuracy", "value": 0.8421, "ci_low": 0.78, "ci_high": 0.9,
                         "confidence": 0.95, "method": "wilson"}}
    path = tmp_path / f"{slug}.meta.json"
    path.write_text(json.dumps(meta))
    block = where_block(path)
    for name in (f"{slug}.md", f"{slug}.html", f"{slug}.mct.json", f"figures/{slug}"):
        assert str(tmp_path / name) in block
    assert "(2 files)" in block and "20260101T000000Z-abc123" in block
    assert "Headline: test accuracy 0.842 (95% interval 0.780 to 0.900, wilson)" in block
    assert f"xdg-open {tmp_path / (slug + '.html')}" in block
    assert main([str(path)]) == 0 and capsys.readouterr().out.strip() == block


def test_missing_headline_and_unreadable_sidecar(tmp_path, capsys):
    assert "no headline metric" in headline_text(None)
    assert main([str(tmp_path / "absent.meta.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "run `modelcard build` first" in err[0]
