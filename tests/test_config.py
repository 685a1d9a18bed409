from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE, PROJECT_ROOT, ConfigError, Settings, load_settings

NO_FILE = Path("/nonexistent/.env")


def test_defaults_without_any_setting():
    settings = load_settings({}, env_file=NO_FILE)
    assert settings.discord_token is None
    assert settings.database_path == DEFAULT_DATABASE
    assert settings.log_level == "INFO"


def test_values_from_the_environment():
    settings = load_settings(
        {
            "DISCORD_TOKEN": " abc ",
            "CONTEUR_DEV_GUILD_ID": "123456789012345678",
            "CONTEUR_OWNER_IDS": "123456789012345678, 223456789012345678",
            "CONTEUR_DATABASE": "var/x.sqlite3",
            "CONTEUR_LOG_LEVEL": "debug",
        },
        env_file=NO_FILE,
    )
    assert settings.discord_token == "abc"
    assert settings.dev_guild_id == 123456789012345678
    assert settings.owner_ids == {123456789012345678, 223456789012345678}
    assert settings.database_path == PROJECT_ROOT / "var/x.sqlite3"
    assert settings.log_level == "DEBUG"


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nCONTEUR_LOG_LEVEL=WARNING\n")
    settings = load_settings({"CONTEUR_LOG_LEVEL": "ERROR"}, env_file=env_file)
    assert settings.discord_token == "from-file"
    assert settings.log_level == "ERROR"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("CONTEUR_DEV_GUILD_ID", "my-server"),
        ("DISCORD_APPLICATION_ID", "12"),
        ("CONTEUR_OWNER_IDS", "123456789012345678,bob"),
        ("CONTEUR_LOG_LEVEL", "LOUD"),
    ],
)
def test_a_malformed_value_names_its_key(key, value):
    with pytest.raises(ConfigError, match=key):
        load_settings({key: value}, env_file=NO_FILE)


def test_settings_are_frozen():
    settings = load_settings({}, env_file=NO_FILE)
    with pytest.raises(AttributeError):
        settings.log_level = "DEBUG"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("dev_guild", "sync_globally", "expected"),
    [
        (None, False, []),
        (None, True, [None]),
        (42, False, [42]),
        (42, True, [None, 42]),  # --sync publishes even with a development server set
    ],
)
async def test_commands_sync_where_they_were_asked_to(tmp_path, dev_guild, sync_globally, expected):
    from bot.discord_adapter.bot import ConteurBot
    from bot.storage import Store

    settings = Settings(database_path=tmp_path / "s.sqlite3", dev_guild_id=dev_guild)
    async with await Store.open(settings.database) as store:
        bot = ConteurBot(settings, store, sync_globally=sync_globally)
        synced: list[int | None] = []

        async def record(*, guild=None):
            synced.append(guild.id if guild else None)
            return []

        bot.tree.sync = record  # type: ignore[method-assign]
        await bot.sync_commands()
        await bot.close()
    assert synced == expected


def test_no_model_unless_its_url_is_set():
    assert load_settings({"CONTEUR_MODEL_NAME": "llama3.2"}, env_file=NO_FILE).model is None


def test_the_model_settings_with_their_defaults():
    model = load_settings(
        {"CONTEUR_MODEL_URL": "http://localhost:11434/v1/", "CONTEUR_MODEL_NAME": " llama3.2 "},
        env_file=NO_FILE,
    ).model
    assert model is not None
    assert (model.url, model.name, model.key) == ("http://localhost:11434/v1", "llama3.2", None)
    assert (model.daily_requests, model.daily_tokens, model.timeout) == (200, 200_000, 45.0)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"CONTEUR_MODEL_URL": "localhost:11434"}, "CONTEUR_MODEL_URL"),
        ({"CONTEUR_MODEL_NAME": ""}, "CONTEUR_MODEL_NAME"),
        ({"CONTEUR_MODEL_DAILY_TOKENS": "lots"}, "CONTEUR_MODEL_DAILY_TOKENS"),
        ({"CONTEUR_MODEL_DAILY_REQUESTS": "-1"}, "CONTEUR_MODEL_DAILY_REQUESTS"),
        ({"CONTEUR_MODEL_TIMEOUT": "0"}, "CONTEUR_MODEL_TIMEOUT"),
    ],
)
def test_a_malformed_model_setting_names_its_key(extra, key):
    environ = {"CONTEUR_MODEL_URL": "http://localhost:8080/v1", "CONTEUR_MODEL_NAME": "m", **extra}
    with pytest.raises(ConfigError, match=key):
        load_settings(environ, env_file=NO_FILE)


def test_a_postgresql_url_selects_the_shared_store():
    url = "postgresql://conteur:secret@db.example:5432/conteur"
    settings = load_settings({"CONTEUR_DATABASE": url}, env_file=NO_FILE)
    assert settings.database == url and settings.database_path == DEFAULT_DATABASE
    assert load_settings({}, env_file=NO_FILE).database == DEFAULT_DATABASE


def test_the_search_index_folder():
    url = "postgresql://conteur:secret@db.example:5432/conteur"
    # SQLite: beside the database unless told; PostgreSQL: data/ unless told.
    assert load_settings({}, env_file=NO_FILE).index_dir is None
    assert load_settings({"CONTEUR_DATABASE": url}, env_file=NO_FILE).index_dir == (
        PROJECT_ROOT / "data"
    )
    told = load_settings({"CONTEUR_DATABASE": url, "CONTEUR_INDEX_DIR": "cache/idx"}, NO_FILE)
    assert told.index_dir == PROJECT_ROOT / "cache" / "idx"
    absolute = load_settings({"CONTEUR_INDEX_DIR": "/var/cache/conteur"}, env_file=NO_FILE)
    assert absolute.index_dir == Path("/var/cache/conteur")


def test_shards_default_to_all_of_them_here():
    assert load_settings({}, env_file=NO_FILE).shard_count is None
    settings = load_settings({"CONTEUR_SHARD_COUNT": "2"}, env_file=NO_FILE)
    assert (settings.shard_count, settings.shard_ids) == (2, (0, 1))
    settings = load_settings(
        {
            "CONTEUR_SHARD_COUNT": "4",
            "CONTEUR_SHARD_IDS": "3, 1",
            "CONTEUR_DATABASE": "postgresql://db/conteur",
        },
        env_file=NO_FILE,
    )
    assert (settings.shard_count, settings.shard_ids) == (4, (1, 3))


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"CONTEUR_SHARD_IDS": "0"}, "CONTEUR_SHARD_COUNT"),
        ({"CONTEUR_SHARD_COUNT": "zero"}, "CONTEUR_SHARD_COUNT"),
        ({"CONTEUR_SHARD_COUNT": "2", "CONTEUR_SHARD_IDS": "2"}, "CONTEUR_SHARD_IDS"),
        ({"CONTEUR_SHARD_COUNT": "2", "CONTEUR_SHARD_IDS": "x"}, "CONTEUR_SHARD_IDS"),
        # Part of the shards here, the rest elsewhere: a SQLite file cannot be shared.
        ({"CONTEUR_SHARD_COUNT": "2", "CONTEUR_SHARD_IDS": "1"}, "postgresql://"),
    ],
)
def test_malformed_shard_settings_say_what_to_fix(values, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(values, env_file=NO_FILE)
