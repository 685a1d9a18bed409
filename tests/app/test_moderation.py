"""The moderation flow on real SQLite: drafts, publishing, versions, removal, the audit log.

No Discord here: bot.moderation and the library against a database in a temporary
folder, on a clock the tests move (`CLOCK.at`).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import moderation
from bot.app.library import RESTORE_WINDOW, Library
from bot.app.moderation import (
    ADD_WINDOW,
    ADDS_PER_WINDOW,
    DRAFT_LIFETIME,
    NeedsConfirmation,
    cancel,
    check_add_rate,
    check_attachment,
    draft_stamp,
)
from bot.core.clock import utc_text
from bot.core.parsing import parse_story_text
from bot.discord_adapter.rendering.moderation import history_embed
from bot.errors import InvalidInput, NotAllowed, NotFound, RateLimited, StoryRejected
from bot.storage import MIGRATIONS, Store
from tests.doubles import ManualClock

GUILD, OTHER = 111, 222
MAUD, LINA = 1, 2
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CLOCK = ManualClock(T0)

WORDS = (
    "amber birch cedar dune ember fjord grove harbour islet jasmine kelp lagoon meadow "
    "nettle orchard pebble quarry reed saffron thistle umber valley willow yarrow zephyr"
).split()


def words_text(seed: int) -> str:
    rng = random.Random(seed)
    return "\n\n".join(
        " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(3)
    )


def story(title: str, seed: int) -> str:
    return f"Title: {title}\n\n{words_text(seed)}"


@pytest.fixture
def clock():
    CLOCK.moment = T0
    return CLOCK


async def prepare(library, *, now=T0, **options):
    """bot.moderation.prepare as the moderator's click at `now`."""
    with CLOCK.at(now):
        return await moderation.prepare(library, **options)


async def publish(library, draft_id, *, now=T0, **options):
    with CLOCK.at(now):
        return await moderation.publish(library, draft_id, **options)


@pytest.fixture
def library(store):
    return Library(store)


async def counts(store) -> tuple[int, ...]:
    row = await store.db.fetchone(
        "SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM passages),"
        " (SELECT count(*) FROM story_versions), (SELECT count(*) FROM characters),"
        " (SELECT count(*) FROM audit_log), (SELECT count(*) FROM drafts)"
    )
    return tuple(row)


async def add(library, title: str, seed: int, *, actor=MAUD, guild=GUILD, at=T0):
    with CLOCK.at(at):
        return await library.add_story(
            parse_story_text(story(title, seed)), guild_id=guild, actor_id=actor
        )


# ------------------------------------------------------- versions and history


async def test_every_edit_keeps_the_previous_version_with_who_and_hashes(library, store):
    first = await add(library, "The Lantern", 1)
    texts = [words_text(1), words_text(2), "Ida Moss watched the sea. Ida Moss smiled.\n\nThe end."]
    for actor, text in ((LINA, texts[1]), (MAUD, texts[2])):
        with CLOCK.at(T0 + timedelta(minutes=actor)):
            edited = await library.replace_story(
                first.id, parse_story_text(f"Title: The Lantern\n\n{text}"), actor_id=actor
            )
        assert edited.slug == first.slug == "the-lantern"
    versions = await store.stories.story_versions(first.id)
    assert [(v.version, v.created_by, v.body) for v in versions] == [
        (3, MAUD, texts[2]),
        (2, LINA, texts[1]),
        (1, MAUD, texts[0]),
    ]
    entries = await store.audit.for_story(first.id)
    assert [(e.action, e.actor_id, e.guild_id) for e in entries] == [
        ("add", MAUD, GUILD),
        ("edit", LINA, GUILD),
        ("edit", MAUD, GUILD),
    ]
    hashes = [v.content_hash for v in reversed(versions)]
    assert [(e.hash_before, e.hash_after) for e in entries] == [
        (None, hashes[0]),
        (hashes[0], hashes[1]),
        (hashes[1], hashes[2]),
    ]
    assert [e.created_at for e in entries] == [
        utc_text(T0),
        utc_text(T0 + timedelta(minutes=LINA)),
        utc_text(T0 + timedelta(minutes=MAUD)),
    ]
    # The current text, its passages, characters and the search index moved together.
    current = await store.stories.get_story(first.id)
    assert current.body == texts[2]
    assert [p.text for p in current.passages][-1] == "The end."
    assert [c.name for c in (await store.casts.get_cast(first.id)).characters] == ["Ida Moss"]
    hits = library.index.search("ida moss watched the sea", story_ids=frozenset([first.id]))
    assert hits and hits[0].story_id == first.id
    assert not library.index.search(words_text(1).split(".")[0], story_ids=frozenset([first.id]))


async def test_a_failed_change_leaves_nothing_behind(library, store, monkeypatch):
    lantern = await add(library, "The Lantern", 1)
    before = await counts(store)

    async def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("bot.storage.stories.write_cast", broken)
    with pytest.raises(RuntimeError):
        await add(library, "The Gulls", 2)
    with pytest.raises(RuntimeError):
        await library.replace_story(
            lantern.id, parse_story_text(story("The Lantern", 3)), actor_id=MAUD
        )
    assert await counts(store) == before
    assert (await store.stories.get_story(lantern.id)).body == words_text(1)
    assert len(await store.stories.story_versions(lantern.id)) == 1


# ------------------------------------------------------- removal and restore


async def test_remove_and_restore_round_trip(library, store):
    gulls = await add(library, "The Gulls", 1)
    with CLOCK.at(T0 + timedelta(days=1)):
        await library.remove_story(gulls.id, LINA)
    assert gulls.id not in await store.stories.visible_story_ids(GUILD)
    assert gulls.id not in await library.visible_ids(GUILD)
    assert not library.index.search("amber birch cedar", story_ids=frozenset([gulls.id]))
    assert (await store.stories.get_story(gulls.id)).removed
    (removed,) = await store.stories.removed_stories(GUILD, T0 - RESTORE_WINDOW)
    assert (removed.summary.id, removed.deleted_by) == (gulls.id, LINA)
    assert await store.stories.removed_stories(OTHER, T0 - RESTORE_WINDOW) == []
    # The title is free again while the story is away.
    assert await store.stories.title_owner("The Gulls", GUILD) is None

    restored = await library.restore_story(gulls.id, MAUD)
    assert (restored.id, restored.slug) == (gulls.id, "the-gulls")
    assert gulls.id in await library.visible_ids(GUILD)
    assert library.index.search(words_text(1).split()[1], story_ids=frozenset([gulls.id]))
    assert await store.stories.removed_stories(GUILD, T0 - RESTORE_WINDOW) == []
    assert len(await store.stories.story_versions(gulls.id)) == 1
    entries = await store.audit.for_story(gulls.id)
    assert [(e.action, e.actor_id, e.hash_before, e.hash_after) for e in entries] == [
        ("add", MAUD, None, entries[0].hash_after),
        ("remove", LINA, entries[0].hash_after, None),
        ("restore", MAUD, None, entries[0].hash_after),
    ]


async def test_removals_older_than_the_window_are_not_offered_then_deleted_for_good(library, store):
    gulls = await add(library, "The Gulls", 1)
    await library.remove_story(gulls.id, MAUD)
    removed_at = datetime.fromisoformat(
        (await store.db.fetchone("SELECT deleted_at FROM stories WHERE id = ?", (gulls.id,)))[0]
    )
    assert await store.stories.removed_stories(GUILD, removed_at - RESTORE_WINDOW)
    assert await store.stories.removed_stories(GUILD, removed_at + timedelta(seconds=1)) == []
    assert await store.stories.purge_removed(removed_at) == 0  # not yet older than the cut-off
    assert await store.stories.purge_removed(removed_at + timedelta(seconds=1)) == 1
    assert await store.stories.get_story(gulls.id) is None
    assert await store.stories.story_versions(gulls.id) == []
    # The audit log outlives the story.
    assert [e.action for e in await store.audit.for_story(gulls.id)] == ["add", "remove"]


async def test_scope_one_servers_stories_are_invisible_and_no_obstacle_elsewhere(library, store):
    ours = await add(library, "The Lantern", 1)
    assert ours.id not in await store.stories.visible_story_ids(OTHER)
    assert ours.id not in await store.stories.visible_story_ids(None)  # nor in DMs
    assert await store.stories.title_owner("the lantern", OTHER) is None
    assert (await store.stories.title_owner("THE LANTERN", GUILD)).id == ours.id
    assert await store.stories.title_owner("The Lantern", None) is None  # no obstacle to the host
    assert [s.id for s, _ in await store.stories.visible_bodies(OTHER)] == []


async def test_history_says_how_many_older_versions_it_leaves_out(library, store):
    def described(versions) -> str:
        return history_embed("The Lantern", versions).description or ""

    lantern = await add(library, "The Lantern", 1)
    for seed in range(2, 22):
        await library.replace_story(lantern.id, parse_story_text(story("The Lantern", seed)))
    versions = await store.stories.story_versions(lantern.id)
    assert len(versions) == 21
    lines = described(versions).split("\n")
    assert [line.split(" · ")[0] for line in lines[:2]] == ["**v21**", "**v20**"]
    assert lines[20:] == ["…and 1 older version."]
    await library.replace_story(lantern.id, parse_story_text(story("The Lantern", 30)))
    assert described(await store.stories.story_versions(lantern.id)).endswith(
        "\n…and 2 older versions."
    )
    assert "older" not in described(versions[:20])


async def test_hidden_stories_lists_the_built_ins_hidden_in_a_server(library, store):
    builtin = await library.add_story(parse_story_text(story("Old Tale", 1)), guild_id=None)
    await library.set_hidden(GUILD, builtin.id, MAUD, True)
    assert [s.id for s in await store.stories.hidden_stories(GUILD)] == [builtin.id]


# ------------------------------------------------------------------ drafts


async def test_a_preview_saves_a_draft_only_and_publish_saves_the_story(library, store):
    before = await counts(store)
    preview = await prepare(
        library, guild_id=GUILD, user_id=MAUD, text=story("The Lantern", 1), now=T0
    )
    assert preview.parsed.title == "The Lantern" and preview.near_duplicate is None
    assert preview.draft.created_at == utc_text(T0)
    assert await counts(store) == (*before[:-1], before[-1] + 1)
    summary, edited = await publish(
        library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0 + timedelta(minutes=5)
    )
    assert (summary.title, summary.guild_id, edited) == ("The Lantern", GUILD, False)
    assert await store.drafts.get_draft(preview.draft.id) is None
    (entry,) = await store.audit.for_story(summary.id)
    assert (entry.action, entry.created_at) == ("add", utc_text(T0 + timedelta(minutes=5)))
    with pytest.raises(NotFound):  # published once, and only once
        await publish(library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0)


async def test_a_draft_is_its_authors_in_its_server_for_a_day(library, store):
    preview = await prepare(
        library, guild_id=GUILD, user_id=MAUD, text=story("The Lantern", 1), now=T0
    )
    draft = preview.draft.id
    with pytest.raises(NotFound):
        await publish(library, draft, guild_id=OTHER, user_id=MAUD, now=T0)
    with pytest.raises(NotFound):
        await cancel(store, draft, guild_id=OTHER, user_id=MAUD)
    with pytest.raises(NotFound):
        await publish(library, draft, guild_id=None, user_id=MAUD, now=T0)
    with pytest.raises(NotAllowed):
        await publish(library, draft, guild_id=GUILD, user_id=LINA, now=T0)
    with pytest.raises(NotAllowed):
        await cancel(store, draft, guild_id=GUILD, user_id=LINA)
    with pytest.raises(NotFound):
        await publish(
            library, draft, guild_id=GUILD, user_id=MAUD, now=T0 + DRAFT_LIFETIME + timedelta(1)
        )
    assert await store.drafts.get_draft(draft) is not None
    await cancel(store, draft, guild_id=GUILD, user_id=MAUD)
    assert await store.drafts.get_draft(draft) is None


async def test_a_button_of_a_deleted_draft_never_acts_on_a_draft_reusing_its_id(
    library, store, backend
):
    first = await prepare(library, guild_id=GUILD, user_id=MAUD, text=story("First", 1), now=T0)
    await cancel(store, first.draft.id, guild_id=GUILD, user_id=MAUD)
    later = T0 + timedelta(minutes=5)
    second = await prepare(
        library, guild_id=GUILD, user_id=MAUD, text=story("Second", 2), now=later
    )
    # SQLite reuses the highest id once deleted (PostgreSQL never does): the stamp, not
    # the id, is what tells the two drafts apart.
    if backend == "sqlite":
        assert second.draft.id == first.draft.id
    old_stamp, new_stamp = draft_stamp(first.draft), draft_stamp(second.draft)
    assert old_stamp != new_stamp
    with pytest.raises(NotFound):
        await publish(
            library, second.draft.id, guild_id=GUILD, user_id=MAUD, now=later, stamp=old_stamp
        )
    with pytest.raises(NotFound):
        await cancel(store, second.draft.id, guild_id=GUILD, user_id=MAUD, stamp=old_stamp)
    summary, _ = await publish(
        library, second.draft.id, guild_id=GUILD, user_id=MAUD, now=later, stamp=new_stamp
    )
    assert summary.title == "Second"


async def test_a_failed_publish_keeps_the_draft_and_a_double_click_publishes_once(
    library, store, monkeypatch
):
    preview = await prepare(
        library, guild_id=GUILD, user_id=MAUD, text=story("The Lantern", 1), now=T0
    )
    before = await counts(store)

    async def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("bot.storage.stories.write_cast", broken)
    with pytest.raises(RuntimeError):
        await publish(library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0)
    assert await counts(store) == before  # the submission is still there to publish
    first_words = " ".join(words_text(1).split()[:6])
    assert not library.index.search(first_words)
    monkeypatch.undo()

    results = await asyncio.gather(
        *(
            publish(library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0)
            for _ in range(2)
        ),
        return_exceptions=True,
    )
    published = [r for r in results if not isinstance(r, BaseException)]
    assert [type(r) for r in results if isinstance(r, BaseException)] == [NotFound]
    ((summary, edited),) = published
    assert (summary.title, edited) == ("The Lantern", False)
    assert await store.drafts.get_draft(preview.draft.id) is None
    assert [s.title for s in await store.stories.visible_stories(GUILD)] == ["The Lantern"]
    assert library.index.search(first_words)[0].story_id == summary.id
    assert summary.id in await library.visible_ids(GUILD)


async def test_expired_drafts_are_purged_when_the_next_preview_is_made(library, store):
    old = await prepare(library, guild_id=GUILD, user_id=MAUD, text=story("Old", 1), now=T0)
    later = T0 + DRAFT_LIFETIME + timedelta(minutes=1)
    new = await prepare(library, guild_id=GUILD, user_id=LINA, text=story("New", 2), now=later)
    assert await store.drafts.get_draft(old.draft.id) is None
    assert await store.drafts.get_draft(new.draft.id) is not None
    assert new.draft.id > old.draft.id  # purged after saving, so no id is handed out twice


async def test_submissions_are_checked_before_any_draft_is_saved(library, store):
    await add(library, "The Lantern", 1)
    before = await counts(store)
    with pytest.raises(InvalidInput, match="already in this server's library"):
        await prepare(library, guild_id=GUILD, user_id=MAUD, text=story("the LANTERN", 2))
    with pytest.raises(InvalidInput, match="exactly the text of “The Lantern”"):
        await prepare(library, guild_id=GUILD, user_id=MAUD, text=story("Another", 1))
    with pytest.raises(StoryRejected, match="no story text"):
        await prepare(library, guild_id=GUILD, user_id=MAUD, text=" \n\t\n ", title="Blank")
    with pytest.raises(StoryRejected, match="over the limit of 200 KB"):
        huge = "é" * (100 * 1024 + 1)  # 100 K characters, 200 KB in UTF-8
        await prepare(library, guild_id=GUILD, user_id=MAUD, text=huge, title="Huge")
    assert await counts(store) == before
    # In another server neither the title nor the text is taken.
    elsewhere = await prepare(library, guild_id=OTHER, user_id=MAUD, text=story("The Lantern", 1))
    assert elsewhere.near_duplicate is None


async def test_an_untitled_story_whose_derived_title_is_taken_gets_a_number(library):
    texts = [
        "Mira Solberg crossed the bridge.\n\nMira looked back at the town.\n\nMira went on.",
        "Mira Solberg sold apples at dawn.\n\nMira counted coins by the well.\n\nMira sang.",
    ]
    titles = []
    for text in texts:
        preview = await prepare(library, guild_id=GUILD, user_id=MAUD, text=text)
        summary, _ = await publish(library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0)
        titles.append(summary.title)
    assert titles == ["The Story of Mira Solberg", "The Story of Mira Solberg (2)"]


async def test_an_edit_from_a_file_without_a_header_keeps_the_title_and_author(library, store):
    with CLOCK.at(T0):
        lantern = await library.add_story(
            parse_story_text(f"Title: The Lantern\nAuthor: Ann Vale\n\n{words_text(1)}"),
            guild_id=GUILD,
            actor_id=MAUD,
        )
    plain = "Ida Moss watched the sea. Ida Moss smiled.\n\nIda Moss lit the lantern at nine."

    async def edit(text: str, **fields: str):
        editing = await store.stories.get_story(lantern.id)
        return await prepare(
            library, guild_id=GUILD, user_id=MAUD, text=text, editing=editing, now=T0, **fields
        )

    kept = await edit(plain)
    assert (kept.parsed.title, kept.parsed.author) == ("The Lantern", "Ann Vale")
    summary, edited = await publish(library, kept.draft.id, guild_id=GUILD, user_id=MAUD, now=T0)
    assert (summary.title, summary.author, edited) == ("The Lantern", "Ann Vale", True)
    # What the file's header sets wins, field by field.
    renamed = await edit(f"Title: The Old Lantern\n\n{plain}")
    assert (renamed.parsed.title, renamed.parsed.author) == ("The Old Lantern", "Ann Vale")
    credited = await edit(f"Author: Ida Moss\n\n{plain}")
    assert (credited.parsed.title, credited.parsed.author) == ("The Lantern", "Ida Moss")
    # The form always gives both: an author emptied there means no author.
    cleared = await edit(plain, title="The Lantern", author="")
    assert (cleared.parsed.title, cleared.parsed.author) == ("The Lantern", None)


# ------------------------------------------------------------ concurrent edits


async def test_publishing_over_someone_elses_edit_needs_confirming_that_version(library, store):
    lantern = await add(library, "The Lantern", 1)

    async def edit(user_id: int, seed: int):
        editing = await store.stories.get_story(lantern.id)
        return await prepare(
            library,
            guild_id=GUILD,
            user_id=user_id,
            text=story("The Lantern", seed),
            editing=editing,
            now=T0,
        )

    async def publish_mine(confirmed: bool):
        return await publish(
            library, mine.draft.id, guild_id=GUILD, user_id=MAUD, now=T0, confirmed=confirmed
        )

    mine = await edit(MAUD, 2)
    assert mine.draft.base_hash == (await store.stories.get_story(lantern.id)).content_hash
    assert not mine.changed_meanwhile
    for seed in (3, 4):  # Lina edits twice: Maud is warned of each version in turn
        theirs = await edit(LINA, seed)
        await publish(library, theirs.draft.id, guild_id=GUILD, user_id=LINA, now=T0)
        linas = (await store.stories.get_story(lantern.id)).content_hash
        # A forged "Publish anyway" confirms only the version the moderator was shown.
        for confirmed in (True, False):
            with pytest.raises(NeedsConfirmation) as needed:
                await publish_mine(confirmed)
            assert needed.value.story_changed and not needed.value.duplicate_appeared
            assert needed.value.preview.changed_meanwhile
            assert (await store.stories.get_story(lantern.id)).body == words_text(seed)
            assert (await store.drafts.get_draft(mine.draft.id)).conflict_hash == linas
    _summary, edited = await publish_mine(True)
    assert edited and (await store.stories.get_story(lantern.id)).body == words_text(2)
    versions = await store.stories.story_versions(lantern.id)
    assert [(v.created_by, v.body) for v in versions] == [
        (MAUD, words_text(2)),
        (LINA, words_text(4)),
        (LINA, words_text(3)),
        (MAUD, words_text(1)),
    ]
    entry = (await store.audit.for_story(lantern.id))[-1]
    assert (entry.actor_id, entry.hash_before) == (MAUD, versions[1].content_hash)


async def test_drafts_saved_before_the_base_hash_existed_still_publish(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)  # a database as the previous release left it
    old.executescript("".join(MIGRATIONS[:7]) + "PRAGMA user_version = 7;")
    old.close()
    async with await Store.open(path, clock=CLOCK) as store:
        library = Library(store)
        lantern = await add(library, "The Lantern", 1)
        await store.db.write(
            "INSERT INTO drafts (guild_id, user_id, story_id, title, body, created_at)"
            " VALUES (?,?,?,?,?,?)",
            (GUILD, MAUD, lantern.id, "The Lantern", words_text(2), utc_text(T0)),
        )
        (draft_id,) = await store.db.fetchone("SELECT max(id) FROM drafts")
        draft = await store.drafts.get_draft(draft_id)
        assert draft is not None and draft.base_hash is None
        summary, edited = await publish(library, draft_id, guild_id=GUILD, user_id=MAUD, now=T0)
        stored = await store.stories.get_story(summary.id)
        assert edited and stored is not None and stored.body == words_text(2)


# ------------------------------------------------------------ near-duplicates


async def test_a_near_duplicate_needs_confirming_the_story_it_resembles(library, store):
    original = await add(library, "The Lantern", 1)
    almost = words_text(1).replace(".", " reed.", 1)
    preview = await prepare(
        library, guild_id=GUILD, user_id=MAUD, text=f"Title: Copy\n\n{almost}", now=T0
    )
    assert preview.near_duplicate is not None and preview.near_duplicate.id == original.id
    assert (preview.draft.similarity or 0) >= 95
    with pytest.raises(NeedsConfirmation) as needed:
        await publish(library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0)
    shown = needed.value.preview.near_duplicate
    assert shown is not None and shown.id == original.id
    summary, _ = await publish(
        library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0, confirmed=True
    )
    assert summary.title == "Copy"


async def test_a_confirmation_is_for_the_story_that_was_shown(library, store):
    text = words_text(5)
    preview = await prepare(
        library, guild_id=GUILD, user_id=MAUD, text=f"Title: Pond\n\n{text}", now=T0
    )
    assert preview.near_duplicate is None
    with CLOCK.at(T0):
        twin = await library.add_story(
            parse_story_text(f"Title: Twin Pond\n\n{text.replace('.', ' reed.', 1)}"),
            guild_id=GUILD,
            actor_id=LINA,
        )
    # A forged "Publish anyway" on a preview that named no near-duplicate confirms nothing.
    with pytest.raises(NeedsConfirmation) as needed:
        await publish(
            library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0, confirmed=True
        )
    shown = needed.value.preview.near_duplicate
    assert shown is not None and shown.id == twin.id
    assert (await store.drafts.get_draft(preview.draft.id)).near_duplicate_of == twin.id
    summary, _ = await publish(
        library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=T0, confirmed=True
    )
    assert summary.title == "Pond"


# -------------------------------------------------------------- rate limit


async def test_ten_adds_per_moderator_in_any_ten_minutes_on_the_given_clock(library, store):
    for n in range(ADDS_PER_WINDOW):
        await add(library, f"Note {n}", 100 + n, at=T0 + timedelta(minutes=n))
    now = T0 + timedelta(minutes=9, seconds=30)
    with pytest.raises(RateLimited) as limited:
        await check_add_rate(store, MAUD, now)
    assert limited.value.hint == "Take a short break: you can add another in 1 minute."
    await check_add_rate(store, LINA, now)  # each moderator has their own allowance
    await check_add_rate(store, MAUD, T0 + ADD_WINDOW + timedelta(seconds=1))  # first one left
    # Edits, removals and restores do not count as adds.
    await library.replace_story(1, parse_story_text(story("Note 0", 500)), actor_id=LINA)
    await check_add_rate(store, LINA, now)
    # Publishing re-checks it: a preview made before the limit cannot slip through.
    preview = await prepare(library, guild_id=GUILD, user_id=MAUD, text=story("Extra", 7), now=now)
    with pytest.raises(RateLimited):
        await publish(library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=now)
    assert await store.drafts.get_draft(preview.draft.id) is not None  # still there for later
    later = T0 + ADD_WINDOW + timedelta(seconds=1)
    summary, _ = await publish(library, preview.draft.id, guild_id=GUILD, user_id=MAUD, now=later)
    assert summary.title == "Extra"


async def test_every_timestamp_written_comes_from_the_stores_clock(library, store):
    with CLOCK.at(T0 + timedelta(hours=1)):
        lantern = await add(library, "The Lantern", 1, at=T0 + timedelta(hours=1))
        await store.guilds.set_guild_timezone(GUILD, "Asia/Tokyo", MAUD)
        await store.stories.set_hidden(GUILD, lantern.id, MAUD, hidden=True)
        await store.reading.save_position(MAUD, lantern.id, 2)
        await store.stories.remove_story(lantern.id, MAUD)
    rows = await store.db.fetchall(
        "SELECT created_at FROM audit_log UNION ALL SELECT created_at FROM stories"
        " UNION ALL SELECT updated_at FROM stories UNION ALL SELECT deleted_at FROM stories"
        " UNION ALL SELECT created_at FROM story_versions"
        " UNION ALL SELECT hidden_at FROM hidden_stories"
        " UNION ALL SELECT updated_at FROM reading_positions"
    )
    assert {row[0] for row in rows} == {utc_text(T0 + timedelta(hours=1))}
    assert (await store.guilds.guild_settings(GUILD)).timezone == "Asia/Tokyo"


# -------------------------------------------------------------- attachments


@pytest.mark.parametrize(
    ("name", "size", "content_type", "problem"),
    [
        ("story.txt", 10, "text/plain; charset=utf-8", None),
        ("story.MD", 10, "text/markdown", None),
        ("story.txt", 10, None, None),
        ("story.txt", 200 * 1024, "text/plain", None),
        ("story.txt", 200 * 1024 + 1, "text/plain", "the limit is 200 KB per story"),
        ("story.txt", 10, "application/pdf", "is not a text file (application/pdf)"),
        ("story.pdf", 10, "text/plain", "is not a .txt or .md file"),
        ("story.txt.exe", 10, None, "is not a .txt or .md file"),
    ],
)
def test_attachments_are_checked_before_downloading(name, size, content_type, problem):
    if problem is None:
        check_attachment(name, size, content_type)
        return
    with pytest.raises(StoryRejected, match=problem.replace("(", r"\(").replace(")", r"\)")):
        check_attachment(name, size, content_type)
