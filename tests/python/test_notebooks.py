"""The notebooks in examples/ run top to bottom on a real kernel without an error, every cell
that draws a chart shows it inline (an image/png output), and their files go to an ignored folder."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    if not DATA.is_dir():
        pytest.skip(f"the notebooks read real data from {DATA}, which is absent")
    monkeypatch.setenv("KOMMUNBENCH_DATA", str(DATA))
    monkeypatch.setenv("KOMMUNBENCH_OUT", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    )
    client.execute()
    # every chart the notebook saved is a real PNG
    for png in tmp_path.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # every cell that draws a chart shows it: an image/png output, not "<Figure size ...>"
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and CHART_CALL.search(cell.source):
            kinds = [set(o.get("data", {})) for o in cell.outputs]
            assert any("image/png" in d for d in kinds), f"cell {k} draws a chart but shows no image: {kinds}"


CHART_CALL = re.compile(r"charts\.(ranking|trend|trend_of|scorecard|small_multiples|map|map_lan|similar)\(")


def test_notebook_outputs_go_to_an_ignored_folder():
    """A notebook run without KOMMUNBENCH_OUT writes into examples/out/, which git ignores."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert 'os.environ.get("KOMMUNBENCH_OUT", "out")' in text, path.name
    root = EXAMPLES.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    r = subprocess.run(["git", "check-ignore", "-q", "examples/out/u33401-trend.png"], cwd=root)
    assert r.returncode == 0, "examples/out/ must be ignored by git"
