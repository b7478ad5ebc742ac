"""docs/hosting.md lists every setting a host may need, with the default the code really has."""

from pathlib import Path

from app.core.config import Settings

HOSTING = (Path(__file__).resolve().parent.parent / "docs" / "hosting.md").read_text()


def table_rows() -> dict[str, str]:
    """Variable name -> default cell of the settings table."""
    rows = {}
    for line in HOSTING.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("NNPLAY_"):
            rows[cells[0]] = cells[1]
    return rows


def test_every_setting_is_listed_with_its_default():
    rows = table_rows()
    assert set(rows) == {f"NNPLAY_{name.upper()}" for name in Settings.model_fields}
    for name, field in Settings.model_fields.items():
        if field.default_factory is None:  # computed defaults (lists, the core count) are described in words
            assert rows[f"NNPLAY_{name.upper()}"] == str(field.default), name
        elif name != "workers":
            assert rows[f"NNPLAY_{name.upper()}"] == str(field.default_factory()), name
