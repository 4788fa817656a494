"""The corpus viewer and the report page, read back and opened in headless Chromium. The run they
show comes from the FAKE engine (canned text): these test the pages, not the model."""

import base64
import gzip
import json
import re

import pytest
from fakes import FakeBackend
from typer.testing import CliRunner

from dialoguesynth.cli import app
from dialoguesynth.pagecheck import check_page, chromium
from dialoguesynth.pipeline import Generator

needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="Chromium not installed (make test installs Debian's chromium)"
)


@pytest.fixture(scope="module")
def run(tmp_path_factory, dialogsum):
    from dialoguesynth.config import load_config

    out = tmp_path_factory.mktemp("pages") / "run"
    cfg = load_config(
        None,
        num_dialogues=24,
        run__batch_size=24,
        reference__path=str(dialogsum / "train.jsonl"),
        checks__max_retries=0,
    )
    Generator(cfg, backend=FakeBackend(junk_every=5), progress=False).run(out)
    return out


def embedded_rows(page: str) -> list[dict]:
    blob = re.search(r'<script id="data" type="application/octet-stream">([^<]*)</script>', page).group(1)
    return json.loads(gzip.decompress(base64.b64decode(blob)))


def test_view_page_holds_every_record_beside_its_spec(run, tmp_path):
    res = CliRunner().invoke(app, ["view", str(run), "--out", str(tmp_path / "v.html")])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "v.html").read_text()
    assert "http://" not in page and "https://" not in page  # self-contained
    rows = embedded_rows(page)
    accepted = [r for r in rows if r["status"] == "accepted"]
    rejected = [r for r in rows if r["status"] == "rejected"]
    assert len(rows) == 24 and accepted and rejected
    a, x = accepted[0], rejected[0]
    assert a["dialogue"] and a["summary"] and a["render_seed"] is not None and a["model"]
    assert len(a["personas"]) == 2 and set(a["personas"][0]["bins"].values()) <= {"low", "mid", "high"}
    assert a["context"]["medium"] == a["medium"] and a["subtopic"] and a["exemplars"]
    assert x["reason"].startswith("dialogue: ") and x["raw"]


def test_view_refuses_a_folder_that_is_not_a_run(tmp_path):
    res = CliRunner().invoke(app, ["view", str(tmp_path)])
    assert res.exit_code != 0 and "not a dialoguesynth run folder" in str(res.exception or res.output)


@needs_chromium
def test_view_page_loads_in_chromium_and_a_broken_one_is_caught(run, tmp_path):
    from dialoguesynth.view import view

    page = view(run, tmp_path / "v.html")
    seen = check_page(page, screenshot=tmp_path / "v.png")
    assert seen.page_error is None and not seen.console_errors, seen
    assert seen.ready == "24" and (tmp_path / "v.png").stat().st_size > 10_000
    broken = tmp_path / "broken.html"
    broken.write_text(page.read_text().replace("JSON.parse(text)", "JSON.parse(text + '}')"))
    seen = check_page(broken)
    assert seen.page_error and seen.ready is None  # the check can fail


@needs_chromium
def test_report_page_is_self_contained_with_samples_and_rejections(run, tmp_path, dialogsum):
    from dialoguesynth.evaluate.report import evaluate

    evaluate(run, dialogsum / "dev.jsonl", tmp_path / "rep", max_n=60, seed=0)
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "Headline figures" in html and "data:image/png;base64," in html and '<img src="shapes.png"' not in html
    assert html.count("class='spec'") >= 5  # seeded-random dialogues with their specs, and rejected examples
    assert "Rejected: one example per reason" in html and "dialogue: repetitive" in html
    assert "`" not in re.sub(r"<pre>.*?</pre>", "", html, flags=re.S)  # no raw markdown backticks
    seen = check_page(tmp_path / "rep" / "report.html")
    assert seen.page_error is None and not seen.console_errors and seen.ready == "1", seen
