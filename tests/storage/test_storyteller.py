"""The storyteller's repository: opt-in, daily usage, the retelling cache (real SQLite)."""

from datetime import date


async def test_storyteller_opt_in_is_audited_and_usage_adds_up_per_day(store):
    assert not await store.storyteller.enabled(7)
    await store.storyteller.set_enabled(7, True, 42)
    assert await store.storyteller.enabled(7) and not await store.storyteller.enabled(8)
    await store.storyteller.set_enabled(7, False, 42)
    assert not await store.storyteller.enabled(7)
    details = [row[0] for row in await store.db.fetchall("SELECT detail FROM audit_log")]
    assert details == ["storyteller: on", "storyteller: off"]
    day = date(2026, 3, 1)
    await store.storyteller.add_usage(7, day, 1, 300)
    await store.storyteller.add_usage(7, day, 2, 50)
    used = await store.storyteller.usage(7, day)
    assert (used.requests, used.tokens) == (3, 350)
    assert (await store.storyteller.usage(7, date(2026, 3, 2))).requests == 0


async def test_retellings_are_kept_by_story_hash_style_model_and_prompt_version(store):
    key = ("hash1", "french", "llama3.2", 1)
    assert await store.storyteller.cached_retelling(*key) is None
    await store.storyteller.keep_retelling(*key, "Il était une fois.", 812)
    kept = await store.storyteller.cached_retelling(*key)
    assert kept is not None and (kept.text, kept.tokens) == ("Il était une fois.", 812)
    for other in (
        ("hash2", "french", "llama3.2", 1),
        ("hash1", "plain", "llama3.2", 1),
        ("hash1", "french", "gpt-4o-mini", 1),
        ("hash1", "french", "llama3.2", 2),
    ):
        assert await store.storyteller.cached_retelling(*other) is None
