"""Charts: real images of report size, the focus kommun in the highlight colour, captions with
the source, Swedish letters kept as text in SVG."""

from pathlib import Path

import kommunbench as kb
import matplotlib.image as mpimg
import numpy as np
import pytest
from kommunbench import charts

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "kolada-ddf-dump" / "datapoints--by--geo--year"


@pytest.fixture(scope="module")
def db():
    if not DATA.is_dir():
        pytest.skip(f"needs {DATA}")
    d = kb.Database()
    for kpi in ("u33401", "u35400", "u31402"):
        d.import_csv(DATA / f"ddf--datapoints--{kpi}--by--geo--year.csv", layout="wide")
    yield d
    d.close()


def pixels_near(img, hex_colour, tol=0.03):
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(img[..., :3] - rgb).max(axis=-1) < tol).sum())


def test_ranking_png_svg_and_focus_highlight(db, tmp_path):
    c = db.compare("U33401", 2022, focus="1490")
    fig = charts.ranking(c, unit="dagar")
    png, svg = charts.save(fig, tmp_path / "rank")
    assert Path(png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    img = mpimg.imread(png)
    h, w = img.shape[:2]
    assert (w, h) == pytest.approx((16 / 2.54 * 200, 9 / 2.54 * 200), abs=3)  # 16 x 9 cm at 200 dpi
    assert pixels_near(img, charts.FOCUS_COLOUR) > 50  # Borås's bar is drawn highlighted
    assert pixels_near(img, "#3a9d23") > 500 and pixels_near(img, "#d7301f") > 500  # green and red bars
    text = Path(svg).read_text(encoding="utf-8")
    assert "Källa: Kolada" in text and "Borås" in text and "ovägt medel" in text


def test_without_focus_there_is_no_highlight(db, tmp_path):
    png, _ = charts.save(charts.ranking(db.compare("U33401", 2022)), tmp_path / "nofocus")
    assert pixels_near(mpimg.imread(png), charts.FOCUS_COLOUR) == 0


def test_trend_scorecard_and_small_multiples(db, tmp_path):
    v = db.values("U33401", area="1490")
    fig = charts.trend({"Borås": charts.values_series(v)}, "Borås", unit="dagar", title="Utredningstid")
    png, svg = charts.save(fig, tmp_path / "trend")
    assert pixels_near(mpimg.imread(png), charts.FOCUS_COLOUR) > 50
    assert "Källa: Kolada" in Path(svg).read_text(encoding="utf-8")
    db.set_group("GPEER", ["0126", "0136", "1290"], "Tre")
    fig = charts.scorecard(db, ["U33401", "U35400", "U31402"], 2022, "1490", peers="GPEER")
    png, svg = charts.save(fig, tmp_path / "score")
    text = Path(svg).read_text(encoding="utf-8")
    assert all(name in text for name in ("Borås", "Huddinge", "Haninge", "Kristianstad"))
    fig = charts.small_multiples(db, ["U33401", "U35400", "U31402"], "1490")
    png, svg = charts.save(fig, tmp_path / "multi")
    assert "Bearbetning av data från Kolada" in Path(svg).read_text(encoding="utf-8")
    assert pixels_near(mpimg.imread(png), charts.FOCUS_COLOUR) > 50


def test_negative_values_are_drawn(tmp_path):
    import pandas as pd

    fig = charts.trend({"Borås": pd.Series([-68238.0, -140491.0], index=["2017-T1", "2017-T2"])}, "Borås", unit="tkr")
    lo, hi = fig.axes[0].get_ylim()
    assert lo < -140491 and hi >= 0


def test_trend_of_draws_means_only_where_enough_kommuner_report(db, tmp_path):
    fig = charts.trend_of(db, "U33401", "1490")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[0] == "Borås" and "Ovägt medel, alla kommuner" in labels
    assert any(label.startswith("Medel Större stad") for label in labels)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "2007" not in ticks  # in 2007 one kommun reported: no "mean" is drawn for it
    png, svg = charts.save(fig, tmp_path / "trend_of")
    assert "Bearbetning av data från Kolada" in Path(svg).read_text(encoding="utf-8")
