"""Shared fixtures for the pytest suite of the kommunbench binding.

Real data lives beside the project in ../shared/data (see DESIGN.md, "Data"): tests that need it
take the `shared_data` fixture (or one built on it), which skips them with a clear reason when that
folder is absent -- never silently, and never because a single file is missing (a missing file
inside a present folder is a failure).
"""

from pathlib import Path

import kommunbench as kb
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def root():
    """The project root (the directory holding include/, bindings/, tests/)."""
    return ROOT


@pytest.fixture(scope="session")
def shared_data():
    """../shared/data, or skip with the reason when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real data folder {SHARED_DATA} is absent "
            "(the tests read Kolada, SCB and geodata files from ../shared/data)"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_seeds():
    """../shared/seeds (the source documents), or skip with the reason when it is absent."""
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"seed documents folder {SHARED_SEEDS} is absent")
    return SHARED_SEEDS


@pytest.fixture(scope="session")
def kolada_ddf(shared_data):
    """The Kolada DDF dump (real values 1994-2022)."""
    return shared_data / "kolada-ddf-dump"


@pytest.fixture(scope="session")
def rkolada(shared_data):
    """The rKolada metadata snapshot (municipalities, kommungrupper, a few value tables)."""
    return shared_data / "kolada-rkolada-snapshot"


@pytest.fixture(scope="session")
def geodata(shared_data):
    return shared_data / "swedish-geodata"


@pytest.fixture
def db():
    """A fresh Database with the embedded catalogue; closed after the test."""
    d = kb.Database()
    yield d
    d.close()


@pytest.fixture(scope="session")
def catalogue():
    """The embedded area catalogue as a DataFrame (code, name, type, lan, kommungrupp)."""
    with kb.Database() as d:
        return d.areas()


@pytest.fixture(scope="session")
def kommun_codes(catalogue):
    """The 290 kommun codes of the embedded catalogue, sorted."""
    return sorted(catalogue.loc[catalogue["type"] == "kommun", "code"])
