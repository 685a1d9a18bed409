"""Settings: read once from the environment (and `.env`) into a frozen object.

A malformed value stops start-up with a message naming the key and how to fix
it, rather than failing later in some unrelated place.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = PROJECT_ROOT / "data" / "conteur.sqlite3"
DEFAULT_STORIES_DIR = PROJECT_ROOT / "data" / "stories"
# Where a PostgreSQL library's search index is saved: nothing sits beside a URL.
DEFAULT_INDEX_DIR = PROJECT_ROOT / "data"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the key."""


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Where the language model is, and how much of it one server may use a day."""

    url: str  # the API base, e.g. http://localhost:11434/v1 (…/chat/completions is added)
    name: str
    key: str | None = None
    daily_requests: int = 200  # 0: no cap
    daily_tokens: int = 200_000  # 0: no cap
    timeout: float = 45.0  # seconds before the extractive answer is posted instead


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str | None = None
    application_id: int | None = None
    database_path: Path = DEFAULT_DATABASE
    # Set when CONTEUR_DATABASE is a postgresql:// URL: the store many processes share.
    database_url: str | None = None
    stories_dir: Path = DEFAULT_STORIES_DIR
    dev_guild_id: int | None = None
    owner_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    # Sharding: None runs every shard Discord recommends in this one process; a count
    # with ids runs just those shards, so N processes on M machines split the servers.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    # The optional storyteller: an OpenAI-compatible chat completions endpoint.
    model: ModelSettings | None = None
    # Where the search index is saved between starts. None: beside a SQLite database,
    # and not at all for PostgreSQL (then it is built at every start).
    index_dir: Path | None = None

    @property
    def database(self) -> Path | str:
        """What `Store.open` takes: the PostgreSQL URL if one is set, else the SQLite file."""
        return self.database_url or self.database_path

    def with_database(self, target: Path | str) -> Settings:
        """These settings on another store: a postgresql:// URL or a SQLite file."""
        if str(target).startswith(_POSTGRES_SCHEMES):
            return replace(self, database_url=str(target))
        return replace(self, database_path=Path(target).expanduser().resolve(), database_url=None)

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = None
) -> Settings:
    """Build Settings from `environ` (default: os.environ) over the `.env` file.

    Real environment variables win over `.env`, as python-dotenv does by default.
    """
    values: dict[str, str] = {}
    dotenv_path = env_file if env_file is not None else PROJECT_ROOT / ".env"
    if dotenv_path.is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    database_url = values.get("CONTEUR_DATABASE", "").strip()
    is_url = database_url.startswith(_POSTGRES_SCHEMES)
    shard_count, shard_ids = _shards(values)
    shares_the_shards = shard_ids is not None and len(shard_ids) < (shard_count or 0)
    if shares_the_shards and not is_url:
        raise ConfigError(
            f"CONTEUR_SHARD_IDS={','.join(map(str, shard_ids or ()))} of {shard_count} means "
            "other processes run the other shards, and they must share one store: set "
            "CONTEUR_DATABASE to a postgresql:// URL (see docs/scaling.md)."
        )
    return Settings(
        discord_token=_optional_text(values, "DISCORD_TOKEN"),
        application_id=_optional_snowflake(values, "DISCORD_APPLICATION_ID"),
        database_path=(
            DEFAULT_DATABASE if is_url else _path(values, "CONTEUR_DATABASE", DEFAULT_DATABASE)
        ),
        database_url=database_url if is_url else None,
        shard_count=shard_count,
        shard_ids=shard_ids,
        stories_dir=_path(values, "CONTEUR_STORIES_DIR", DEFAULT_STORIES_DIR),
        dev_guild_id=_optional_snowflake(values, "CONTEUR_DEV_GUILD_ID"),
        owner_ids=_snowflake_set(values, "CONTEUR_OWNER_IDS"),
        log_level=_log_level(values, "CONTEUR_LOG_LEVEL"),
        model=_model(values),
        index_dir=_index_dir(values, is_url),
    )


def _index_dir(values: Mapping[str, str], is_url: bool) -> Path | None:
    """CONTEUR_INDEX_DIR if set; else data/ for PostgreSQL, whose URL has no folder."""
    if values.get("CONTEUR_INDEX_DIR", "").strip():
        return _path(values, "CONTEUR_INDEX_DIR", DEFAULT_INDEX_DIR)
    return DEFAULT_INDEX_DIR if is_url else None


def _model(values: Mapping[str, str]) -> ModelSettings | None:
    """None unless CONTEUR_MODEL_URL is set: then the storyteller is available to servers
    whose admins opt in. A URL without a model name is a mistake, not a default."""
    url = values.get("CONTEUR_MODEL_URL", "").strip().rstrip("/")
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"CONTEUR_MODEL_URL={url!r} is not an http(s) URL. Use the API base, e.g. "
            "http://localhost:11434/v1 for Ollama, or leave it empty."
        )
    name = values.get("CONTEUR_MODEL_NAME", "").strip()
    if not name:
        raise ConfigError(
            "CONTEUR_MODEL_NAME is empty but CONTEUR_MODEL_URL is set. Name the model the "
            "endpoint serves (e.g. llama3.2 for Ollama, gpt-4o-mini for OpenAI)."
        )
    return ModelSettings(
        url=url,
        name=name,
        key=_optional_text(values, "CONTEUR_MODEL_KEY"),
        daily_requests=_count(values, "CONTEUR_MODEL_DAILY_REQUESTS", 200),
        daily_tokens=_count(values, "CONTEUR_MODEL_DAILY_TOKENS", 200_000),
        timeout=_seconds(values, "CONTEUR_MODEL_TIMEOUT", 45.0),
    )


def _count(values: Mapping[str, str], key: str, default: int) -> int:
    value = values.get(key, "").strip().replace("_", "")
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{key}={value!r} is not a whole number; use 0 for no cap.")
    return int(value)


def _seconds(values: Mapping[str, str], key: str, default: float) -> float:
    value = values.get(key, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 600:
        raise ConfigError(f"{key}={value!r} is not a number of seconds between 0 and 600.")
    return seconds


def _optional_text(values: Mapping[str, str], key: str) -> str | None:
    value = values.get(key, "").strip()
    return value or None


def _optional_snowflake(values: Mapping[str, str], key: str) -> int | None:
    value = values.get(key, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 15 <= len(value) <= 20:
        raise ConfigError(
            f"{key}={value!r} is not a Discord id. Use the numeric id "
            "(Developer Mode → right-click → Copy ID), or leave it empty."
        )
    return int(value)


def _snowflake_set(values: Mapping[str, str], key: str) -> frozenset[int]:
    raw = values.get(key, "")
    ids: set[int] = set()
    for part in raw.replace(" ", ",").split(","):
        snowflake = _optional_snowflake({key: part}, key)
        if snowflake is not None:
            ids.add(snowflake)
    return frozenset(ids)


def _path(values: Mapping[str, str], key: str, default: Path) -> Path:
    value = values.get(key, "").strip()
    if not value:
        return default
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def _log_level(values: Mapping[str, str], key: str) -> str:
    value = values.get(key, "").strip().upper() or "INFO"
    if value not in _LOG_LEVELS:
        raise ConfigError(
            f"{key}={value!r} is not a log level; use one of {', '.join(_LOG_LEVELS)}."
        )
    return value


def _shards(values: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """CONTEUR_SHARD_COUNT and CONTEUR_SHARD_IDS, checked against each other."""
    raw_count = values.get("CONTEUR_SHARD_COUNT", "").strip()
    raw_ids = values.get("CONTEUR_SHARD_IDS", "").strip()
    if not raw_count:
        if raw_ids:
            raise ConfigError(
                "CONTEUR_SHARD_IDS needs CONTEUR_SHARD_COUNT: how many shards there are in all."
            )
        return None, None
    if not raw_count.isdigit() or int(raw_count) < 1:
        raise ConfigError(
            f"CONTEUR_SHARD_COUNT={raw_count!r} is not a positive whole number of shards."
        )
    count = int(raw_count)
    if not raw_ids:
        return count, tuple(range(count))
    ids: list[int] = []
    for part in raw_ids.replace(" ", ",").split(","):
        if not part:
            continue
        if not part.isdigit() or int(part) >= count:
            raise ConfigError(
                f"CONTEUR_SHARD_IDS has {part!r}: shard ids run from 0 to {count - 1} "
                f"(CONTEUR_SHARD_COUNT={count}), comma-separated, e.g. 0,1."
            )
        if int(part) not in ids:
            ids.append(int(part))
    if not ids:
        raise ConfigError("CONTEUR_SHARD_IDS is empty; leave it out to run every shard.")
    return count, tuple(sorted(ids))
