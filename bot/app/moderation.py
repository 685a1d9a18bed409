"""A moderator's change to the library: prepare a preview, then publish it.

Nothing is saved until Publish. Every check runs again at Publish time, since
the library may have changed while the preview was open.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.app.catalogues import catalogues_of
from bot.app.library import STORY_SUFFIXES, Library
from bot.core.cast import Cast
from bot.core.duplicates import find_near_duplicate, word_differences
from bot.core.models import ParsedStory, Story, StorySummary
from bot.core.parsing import MAX_STORY_BYTES, decode_story_bytes, parse_story_text
from bot.errors import InvalidInput, NotAllowed, NotFound, RateLimited, StoryRejected, UserError
from bot.storage import Draft, Store

ADDS_PER_WINDOW = 10
ADD_WINDOW = timedelta(minutes=10)
DRAFT_LIFETIME = timedelta(days=1)
EXPIRED = "This preview has expired or was already published or cancelled."


@dataclass(frozen=True, slots=True)
class Preview:
    draft: Draft
    parsed: ParsedStory
    cast: Cast
    near_duplicate: StorySummary | None
    # The story this edits changed since the edit began: publishing replaces that change.
    changed_meanwhile: bool = False
    # How the text differs from the near-duplicate's, word by word (a few changes).
    differences: tuple[str, ...] = ()


class NeedsConfirmation(Exception):
    """Publish found something the moderator has not confirmed: show the preview again.

    `duplicate_appeared`: a near-duplicate they were not shown; `story_changed`:
    someone else changed the story this edits since the preview was made.
    """

    def __init__(self, preview: Preview, *, duplicate_appeared: bool, story_changed: bool) -> None:
        super().__init__("the preview needs confirming again")
        self.preview = preview
        self.duplicate_appeared = duplicate_appeared
        self.story_changed = story_changed


async def check_add_rate(store: Store, user_id: int, now: datetime) -> None:
    """At most ADDS_PER_WINDOW adds per moderator in any ADD_WINDOW, on the bot's clock."""
    times = await store.audit.action_times(user_id, "add", now - ADD_WINDOW)
    if len(times) >= ADDS_PER_WINDOW:
        # The add that must leave the window before one more fits in it.
        frees_at = times[len(times) - ADDS_PER_WINDOW] + ADD_WINDOW
        minutes = max(1, math.ceil((frees_at - now).total_seconds() / 60))
        raise RateLimited(
            f"You've added {len(times)} stories in the last 10 minutes, "
            f"the most a moderator can add at a time ({ADDS_PER_WINDOW}).",
            hint=f"Take a short break: you can add another in {minutes} "
            f"minute{'s' if minutes != 1 else ''}.",
        )


def check_attachment(filename: str, size: int, content_type: str | None) -> None:
    """Reject an upload before downloading it."""
    if not filename.lower().endswith(STORY_SUFFIXES):
        raise StoryRejected(f"{filename} is not a .txt or .md file.")
    if content_type and not content_type.startswith("text/"):
        raise StoryRejected(f"{filename} is not a text file ({content_type}).")
    if size > MAX_STORY_BYTES:
        raise StoryRejected(
            f"{filename} is {size // 1024} KB; the limit is {MAX_STORY_BYTES // 1024} KB per story."
        )


def decode_attachment(filename: str, raw: bytes) -> str:
    return decode_story_bytes(raw, filename)


async def prepare(
    library: Library,
    *,
    guild_id: int,
    user_id: int,
    text: str,
    title: str | None = None,
    author: str | None = None,
    editing: Story | None = None,
    base_hash: str | None = None,
) -> Preview:
    """Parse and check a submission; save it as a draft for the preview.

    `title`/`author` None means none was given (a file): the file's header
    decides, and an edit keeps the story's own where the header is silent. A
    form always gives both, and an author left empty there means no author.
    `base_hash` is the text an edit started from (the version a form was
    prefilled with), by default the story's text now. The preview expires
    DRAFT_LIFETIME after it is saved, on the bot's clock.
    """
    library.preview_limits.check(user_id)
    if len(text.encode("utf-8")) > MAX_STORY_BYTES:  # a form is capped by Discord; still check
        raise StoryRejected(f"Your story is over the limit of {MAX_STORY_BYTES // 1024} KB.")
    parsed = await asyncio.to_thread(
        parse_story_text, text, "Your story", title=title or None, author=author or None
    )
    if editing is not None:
        parsed = _keep_current_title(parsed, editing, title_given=title is not None)
        parsed = _keep_current_author(parsed, editing, author_given=author is not None)
    # Off the event loop: a long text full of names takes seconds (everyone else waits).
    # The preview names who is in it; what the text says of each is extracted at Publish.
    parsed, cast = await library.analyser.analyse(parsed, facts=False)
    parsed = await _free_title(library.store, parsed, guild_id, editing)
    duplicate, similarity = await _near_duplicate(library, parsed, guild_id, editing)
    current_hash = editing.content_hash if editing is not None else None
    base_hash = (base_hash or current_hash) if editing is not None else None
    # A form opened before someone else's edit was published: the preview warns at once.
    changed = base_hash != current_hash
    draft = await library.store.drafts.save_draft(
        guild_id=guild_id,
        user_id=user_id,
        story_id=editing.id if editing else None,
        title=parsed.title,
        author=parsed.author,
        body=parsed.body,
        near_duplicate_of=duplicate.id if duplicate else None,
        similarity=similarity,
        base_hash=base_hash,
        conflict_hash=current_hash if changed else None,
    )
    # After saving, so the new draft's id is above every old one.
    await library.store.drafts.purge_drafts(library.store.clock() - DRAFT_LIFETIME)
    return Preview(
        draft,
        parsed,
        cast,
        duplicate,
        changed_meanwhile=changed,
        differences=await _differences(library, parsed, duplicate),
    )


def _keep_current_title(parsed: ParsedStory, editing: Story, *, title_given: bool) -> ParsedStory:
    """A new version without a title of its own keeps the story's, not a derived one."""
    if title_given or not parsed.title_was_derived:
        return parsed
    return replace(parsed, title=editing.title, title_was_derived=False)


def _keep_current_author(parsed: ParsedStory, editing: Story, *, author_given: bool) -> ParsedStory:
    if author_given or parsed.author is not None:
        return parsed
    return replace(parsed, author=editing.summary.author)


def draft_stamp(draft: Draft) -> int:
    """When the draft was made, in whole seconds.

    Its buttons carry it: SQLite hands a deleted draft's id to the next one, and a
    stale button must not act on a later draft that happens to reuse its id.
    """
    return int(datetime.fromisoformat(draft.created_at).timestamp())


async def _find_draft(
    store: Store, draft_id: int, guild_id: int | None, stamp: int | None
) -> Draft:
    """The draft, if it is this server's (and the one the button was made for)."""
    draft = await store.drafts.get_draft(draft_id)
    if (
        draft is None
        or draft.guild_id != guild_id
        or (stamp is not None and draft_stamp(draft) != stamp)
    ):
        raise NotFound(EXPIRED)
    return draft


async def publish(
    library: Library,
    draft_id: int,
    *,
    guild_id: int | None,
    user_id: int,
    confirmed: bool = False,
    stamp: int | None = None,
) -> tuple[StorySummary, bool]:
    """Save a previewed draft; returns the story and whether it was an edit.

    Only `confirmed` ("Publish anyway" on a preview that showed it) publishes a
    near-duplicate, or an edit over someone else's edit made since the preview;
    what the moderator has not seen raises NeedsConfirmation.
    """
    store = library.store
    now = store.clock()
    draft = await _find_draft(store, draft_id, guild_id, stamp)
    if _expired(draft, now):
        raise NotFound(EXPIRED)
    if draft.user_id != user_id:
        raise NotAllowed("Only the moderator who made this preview can publish it.")
    editing = await _editable_story(store, draft.story_id, draft.guild_id)
    parsed = parse_story_text(draft.body, "the story", title=draft.title, author=draft.author)
    try:
        await _free_title(store, parsed, draft.guild_id, editing)
        if editing is None:
            await check_add_rate(store, user_id, now)
        duplicate, similarity = await _near_duplicate(library, parsed, draft.guild_id, editing)
    except UserError:
        # A second click racing the first: once the first has published, these checks
        # see its story (its title taken, its very text, the add counted). What the
        # second click must say is that the draft is gone, whichever click checked first.
        if await store.drafts.get_draft(draft.id) is None:
            raise NotFound(EXPIRED) from None
        raise
    duplicate_appeared = duplicate is not None and not (
        confirmed and duplicate.id == draft.near_duplicate_of
    )
    # Off the event loop: a long text full of names takes seconds (everyone else waits).
    parsed, cast = await library.analyser.analyse(parsed)
    try:
        # Claiming the draft and saving the story are one transaction: a failed
        # save puts the draft back, and a second click finds nothing to publish.
        async with store.drafts.claiming_draft(draft.id) as claimed:
            if not claimed:
                raise NotFound(EXPIRED)
            # Read inside the transaction, so no other edit lands between this check and the save.
            editing = await _editable_story(store, draft.story_id, draft.guild_id)
            current_hash = editing.content_hash if editing is not None else None
            story_changed = (
                draft.base_hash is not None
                and current_hash != draft.base_hash
                and not (confirmed and current_hash == draft.conflict_hash)
            )
            if duplicate_appeared or story_changed:
                draft = replace(
                    draft,
                    near_duplicate_of=duplicate.id if duplicate else None,
                    similarity=similarity,
                    conflict_hash=current_hash if current_hash != draft.base_hash else None,
                )
                preview = Preview(
                    draft,
                    parsed,
                    cast,
                    duplicate,
                    changed_meanwhile=draft.conflict_hash is not None,
                    differences=await _differences(library, parsed, duplicate),
                )
                raise NeedsConfirmation(
                    preview, duplicate_appeared=duplicate_appeared, story_changed=story_changed
                )
            if editing is None:
                summary = await store.stories.add_story(
                    parsed, guild_id=draft.guild_id, cast=cast, actor_id=user_id
                )
            else:
                summary = await store.stories.replace_story(
                    editing.id, parsed, cast=cast, actor_id=user_id
                )
    except NeedsConfirmation as needed:
        # Rolled back with the transaction, the draft is still there: record what
        # the moderator is now shown, which "Publish anyway" will confirm.
        shown = needed.preview.draft
        await store.drafts.mark_unconfirmed(
            shown.id,
            near_duplicate_of=shown.near_duplicate_of,
            similarity=shown.similarity,
            conflict_hash=shown.conflict_hash,
        )
        raise
    # After the commit: the index never shows a story the database does not hold.
    await library.reindex(summary.id, parsed)
    return summary, editing is not None


async def cancel(
    store: Store, draft_id: int, *, guild_id: int | None, user_id: int, stamp: int | None = None
) -> None:
    draft = await _find_draft(store, draft_id, guild_id, stamp)
    if draft.user_id != user_id:
        raise NotAllowed("Only the moderator who made this preview can cancel it.")
    await store.drafts.delete_draft(draft_id)


def require_own_story(story: Story, guild_id: int) -> None:
    """Built-in stories can be hidden in a server, never edited or removed there."""
    if story.summary.is_builtin:
        raise NotAllowed(
            f"“{story.title}” is built in: it can't be changed from a server.",
            hint="Hide it here with `/story hide` instead.",
        )
    if story.summary.guild_id != guild_id:  # unreachable through lookups; defence in depth
        raise NotFound("I couldn't find that story.")


def _expired(draft: Draft, now: datetime) -> bool:
    return datetime.fromisoformat(draft.created_at) < now - DRAFT_LIFETIME


async def _editable_story(store: Store, story_id: int | None, guild_id: int) -> Story | None:
    if story_id is None:
        return None
    story = await store.stories.get_story(story_id)
    if story is None or story.removed or story.summary.guild_id != guild_id:
        raise NotFound("The story this preview edits is no longer in the library.")
    return story


async def _free_title(
    store: Store, parsed: ParsedStory, guild_id: int, editing: Story | None
) -> ParsedStory:
    exclude = editing.id if editing else None
    owner = await store.stories.title_owner(parsed.title, guild_id, exclude_id=exclude)
    if owner is None:
        return parsed
    if not parsed.title_was_derived:
        raise InvalidInput(
            f"A story titled “{owner.title}” is already in this server's library.",
            hint="Choose another title.",
        )
    number = 2
    while await store.stories.title_owner(
        f"{parsed.title} ({number})", guild_id, exclude_id=exclude
    ):
        number += 1
    return replace(parsed, title=f"{parsed.title} ({number})")


async def _differences(
    library: Library, parsed: ParsedStory, duplicate: StorySummary | None
) -> tuple[str, ...]:
    if duplicate is None:
        return ()
    other = await library.store.stories.get_story(duplicate.id)
    if other is None:
        return ()
    return tuple(await asyncio.to_thread(word_differences, parsed.body, other.body))


def _comparable_word_counts(words: int) -> tuple[int, int]:
    """Word counts a text this long may have while still scoring NEAR_DUPLICATE_SCORE.

    A 95 % ratio allows about a tenth of the characters to differ; words are merged or
    split by at most one per changed character, so a generous margin keeps every text
    that could match (the comparison itself still decides).
    """
    margin = max(10, words // 4)
    return words - margin, words + margin


async def _near_duplicate(
    library: Library, parsed: ParsedStory, guild_id: int, editing: Story | None
) -> tuple[StorySummary | None, float | None]:
    # Only stories of about the same length can score 95 %: their texts alone are read,
    # not every visible story's (3 s per add at 10,000 stories, and a loop stall).
    catalogue = await catalogues_of(library.store).stories(guild_id)
    low, high = _comparable_word_counts(parsed.word_count)
    candidates = [
        summary
        for summary in catalogue.stories
        if low <= summary.word_count <= high and (editing is None or summary.id != editing.id)
    ]
    bodies = await library.store.stories.bodies_of([summary.id for summary in candidates])
    visible = [(summary, bodies[summary.id]) for summary in candidates if summary.id in bodies]
    for summary, body in visible:
        if body == parsed.body:
            raise InvalidInput(f"This is exactly the text of “{summary.title}”, already here.")
    found = await asyncio.to_thread(
        find_near_duplicate, parsed.body, [(s.id, body) for s, body in visible]
    )
    if found is None:
        return None, None
    by_id = {summary.id: summary for summary, _body in visible}
    return by_id[found.story_id], found.similarity
