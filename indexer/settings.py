"""kazsearch's settings: one object, read from the environment once, at start-up, by each entry point (the
command lines, ``create_app``); a command line's flags then override it. Nothing reads the environment at
import, so a library user passes what they want and tests set what they test.

    KAZSEARCH_INDEX        index folder (var/index)
    KAZSEARCH_CORPUS       what ``python -m indexer`` indexes without arguments (corpus)
    KAZSEARCH_CACHE        embedding cache folder (var/cache)
    KAZSEARCH_MODEL        embedding model id for new indexes (e5-small-q4; see models/README.md)
    KAZSEARCH_MODELS       where st:<name> models are looked for (models/ of the repository)
    KAZSEARCH_MAX_FILE_MB  larger files are skipped when indexing, and refused when uploaded (50)
    KAZSEARCH_UPLOAD_TOKEN the secret that lets a client add and delete documents through the web app
                           (``/upload``, ``POST /api/documents``); unset or empty: uploads are disabled, so a
                           server is read-only unless its operator chooses otherwise
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_INDEX = Path("var/index")
DEFAULT_CORPUS = Path("corpus")
DEFAULT_CACHE = Path("var/cache")
DEFAULT_MODEL = "e5-small-q4"
DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MAX_FILE_MB = 50.0


class SettingsError(ValueError):
    """An environment variable with a value kazsearch cannot use."""


@dataclass(frozen=True)
class Settings:
    index: Path = DEFAULT_INDEX
    corpus: Path = DEFAULT_CORPUS
    cache: Path = DEFAULT_CACHE
    model: str = DEFAULT_MODEL
    models_dir: Path = field(default=DEFAULT_MODELS_DIR)
    max_file_mb: float = DEFAULT_MAX_FILE_MB
    upload_token: str | None = field(default=None, repr=False)  # a secret: kept out of logs

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        try:
            max_file_mb = float(env.get("KAZSEARCH_MAX_FILE_MB", DEFAULT_MAX_FILE_MB))
        except ValueError:
            raise SettingsError(
                f"KAZSEARCH_MAX_FILE_MB must be a number of megabytes, not {env['KAZSEARCH_MAX_FILE_MB']!r}"
            ) from None
        return cls(
            index=Path(env.get("KAZSEARCH_INDEX", DEFAULT_INDEX)),
            corpus=Path(env.get("KAZSEARCH_CORPUS", DEFAULT_CORPUS)),
            cache=Path(env.get("KAZSEARCH_CACHE", DEFAULT_CACHE)),
            model=env.get("KAZSEARCH_MODEL", DEFAULT_MODEL),
            models_dir=Path(env.get("KAZSEARCH_MODELS", DEFAULT_MODELS_DIR)),
            max_file_mb=max_file_mb,
            upload_token=env.get("KAZSEARCH_UPLOAD_TOKEN") or None,
        )
