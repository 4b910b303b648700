"""Reading the seeds' column titles, to compare ours with them character by character."""

from pathlib import Path

import pytest
from django.conf import settings


def _seeds_dir() -> Path:
    """`shared/seeds` beside the repository or beside any folder above it (PAICHA_SEEDS wins)."""
    import os

    if os.environ.get("PAICHA_SEEDS"):
        return Path(os.environ["PAICHA_SEEDS"])
    for folder in Path(settings.BASE_DIR).resolve().parents:
        if (folder / "shared" / "seeds").is_dir():
            return folder / "shared" / "seeds"
    return Path(settings.BASE_DIR).parent.parent / "shared" / "seeds"


SEEDS = _seeds_dir()


def seed_text(prefix: str) -> str:
    files = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip(f"seed {prefix} not found beside the repository ({SEEDS})")
    return files[0].read_text(encoding="utf-8")


def seed_cells(prefix: str, after: str, first: str, last: str) -> list[str]:
    """The table cells from `first` to `last` in the first table after the text `after`.

    The seeds are tables flattened to text: each cell starts on a line with a tab, and a line
    break inside a cell shows as a blank line without a tab.
    """
    text = seed_text(prefix)
    text = text[text.index(after) :]
    # Spaces inside a title ("姓  名") are kept as the seed prints them; a line break inside a
    # cell becomes one "\n".
    cells = [
        "\n".join(p.strip(" \t") for p in part.strip("\n\t ").split("\n") if p.strip())
        for part in text.split("\n\t")
    ]
    start = cells.index(first)
    end = cells.index(last, start)
    return cells[start : end + 1]
