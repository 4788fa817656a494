"""The sweep's wiring and scoring on a FAKE engine (pipeline logic only); the published sweep in
evaluations/results/ ran on the real embedded model."""

import json

import pytest
from fakes import FakeBackend

from dialoguesynth.catalogs import load_context_catalog
from dialoguesynth.errors import ConfigError
from dialoguesynth.sweep import load_sweep, run_sweep


def test_sweep_grid_bars_and_plots(tmp_path, dialogsum, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "sweep.yaml"
    base = tmp_path / "base.yaml"
    base.write_text(
        f"reference: {{path: {dialogsum / 'train.jsonl'}}}\ntopics: {{expand: false, topics: [shopping, travel]}}\n"
    )
    path.write_text(
        "base: base.yaml\nnum_dialogues: 12\ngrid:\n  render.temperature: [0.5, 1.0]\n  personas.sd_scale: [1.0]\n"
        "quality_bars:\n  default: {}\n  strict: {min_words: 100000}\n"
    )
    media = load_context_catalog().characteristics["medium"].values
    sc = load_sweep(path)
    r = run_sweep(sc, tmp_path / "out", progress=False, backend=FakeBackend(), log=lambda m: None)
    assert [c["dials"] for c in r["cells"]] == [
        {"render.temperature": 0.5, "personas.sd_scale": 1.0},
        {"render.temperature": 1.0, "personas.sd_scale": 1.0},
    ]
    for c in r["cells"]:
        d, s = c["bars"]["default"], c["bars"]["strict"]
        assert d["passed"] == c["accepted_by_run"] and 0 < d["pass_rate"] <= 1
        assert s["passed"] == 0 and s["pass_rate"] == 0  # an impossible bar passes nothing
        assert d["vendi"] >= 1 and 0 <= d["distinct_2"] <= 1 and 0 <= d["c2st_auc"] <= 1
        assert d["grid_cells"] == 2 * 3 * len(media)  # topics × trait bins × medium values
        assert sum(d["grid_counts"].values()) == d["passed"]
        # diversity compared at one n across cells: 80 % of the fewest passing (every cell passes >= 10 here)
        fewest = min(x["bars"]["default"]["passed"] for x in r["cells"])
        assert d["equal_n"]["n"] == int(0.8 * fewest) and d["equal_n"]["vendi"] <= d["vendi"] + 1e-9
        assert d["equal_n"]["vendi_range"][0] <= d["equal_n"]["vendi"] <= d["equal_n"]["vendi_range"][1]
        assert s["equal_n"] == {"n": 2, "too_few": True}
        assert (tmp_path / "out" / f"cell-{c['cell']:02d}" / "report" / "report.json").is_file()
    assert set(r["plots"]) == {"sweep_pass_vs_diversity.png", "sweep_realism_vs_diversity.png", "sweep_coverage.png"}
    assert "| strict |" in (tmp_path / "out" / "sweep.md").read_text()
    assert r["sweep"]["base"] == "base.yaml"  # as the user's working directory sees it, not absolute
    made = json.loads((tmp_path / "out" / "provenance.json").read_text())  # the sweep records how it was made
    assert len(made["commit"]) == 40 and "CPUs" in made["machine"] and made["command"]


def test_sweep_config_errors_are_one_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("grid: {render.temperature: [0.5]}\nquality_bars: {x: {min_wordz: 3}}\n")
    with pytest.raises(ConfigError, match="quality bar 'x'") as e:
        load_sweep(path)
    assert "\n" not in str(e.value)
