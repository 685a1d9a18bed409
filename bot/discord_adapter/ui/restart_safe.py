"""One base for buttons and selects that outlive the process: parsing and errors, once.

A restart-safe component carries its state in its custom_id (`conteur:read:42:3:next`).
Anyone can send any custom_id and any select value with a modified client, so each is
parsed strictly here: ASCII digits only (Python's `\\d` and `int()` accept other
scripts' digits too), ids within SQLite's integer range (a larger one made the driver
raise an unexpected OverflowError), pages within a sane bound, words from a fixed set.
Anything that does not parse is answered with a short ephemeral "this button has
expired", never left unanswered. Errors raised by a component's action go to the one
error path (`send_error`), so subclasses write neither the parsing nor the try/except.

discord.py dispatches a component to every registered template that matches its
custom_id, so each subclass's template is its prefix followed by anything; the parsing
of the rest is this module's. Custom_ids that match no template at all (and belong to
no live view) are answered by `answer_if_unclaimed`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Self, TypeVar

import discord

from bot.discord_adapter.tree import send_error

log = logging.getLogger(__name__)

SQLITE_INTEGER_MAX = 2**63 - 1
MAX_PAGE = 1_000_000
EXPIRED = "This button has expired — run the command again."
# Discord allows 100 characters in a custom_id; longer is forged.
CUSTOM_ID_MAX = 100

Parser = Callable[[str], Any]  # the parsed value, or None when the text is not valid
ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])


def ascii_int(text: str, low: int, high: int) -> int | None:
    """`text` as an integer in [low, high] if it is plain ASCII digits, else None."""
    if not 0 < len(text) <= len(str(high)) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def snowflake(text: str) -> int | None:
    """An id: a story, a draft, a member. Positive and storable in SQLite."""
    return ascii_int(text, 1, SQLITE_INTEGER_MAX)


def page_number(text: str) -> int | None:
    return ascii_int(text, 1, MAX_PAGE)


def stamp(text: str) -> int | None:
    return ascii_int(text, 0, 10**12 - 1)


def one_of(*words: str) -> Parser:
    allowed = frozenset(words)

    def parse(text: str) -> str | None:
        return text if text in allowed else None

    return parse


def parse_fields(rest: str, fields: Sequence[Parser]) -> list[Any] | None:
    """The custom_id after its prefix (":a:b:c") as parsed values, or None if invalid."""
    if not fields:
        return [] if rest == "" else None
    if not rest.startswith(":"):
        return None
    parts = rest[1:].split(":")
    if len(parts) != len(fields):
        return None
    values = [parse(part) for parse, part in zip(fields, parts, strict=True)]
    return None if any(value is None for value in values) else values


def select_value(interaction: discord.Interaction, parse: Parser) -> Any:
    """The one chosen value of a select, parsed; None when missing or invalid."""
    data: dict[str, Any] = dict(interaction.data) if isinstance(interaction.data, dict) else {}
    values = data.get("values")
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        return None
    return parse(values[0])


async def answer_expired(interaction: discord.Interaction) -> None:
    try:
        if interaction.response.is_done():
            await interaction.followup.send(EXPIRED, ephemeral=True)
        else:
            await interaction.response.send_message(EXPIRED, ephemeral=True)
    except discord.HTTPException:
        log.info("Could not say 'expired' for interaction %s", interaction.id)


class RestartSafe(discord.ui.DynamicItem[ItemT], template=r"(?!)"):
    """Subclass with `prefix="conteur:read", fields=(snowflake, page_number, one_of(...))`.

    The subclass's constructor takes the parsed fields in order, and `run` does the
    work; the base parses, answers what does not parse, and catches errors.
    """

    prefix: ClassVar[str]
    fields: ClassVar[tuple[Parser, ...]]
    expired: bool = False

    def __init_subclass__(cls, *, prefix: str, fields: Sequence[Parser] = ()) -> None:
        # Prefix and anything after a colon: a malformed rest must still reach us, to
        # be answered, rather than match nothing and leave the user with no reply.
        super().__init_subclass__(template=rf"{re.escape(prefix)}(?P<rest>:.*)?")
        cls.prefix = prefix
        cls.fields = tuple(fields)

    @classmethod
    def custom_id_for(cls, *values: object) -> str:
        return ":".join([cls.prefix, *(str(value) for value in values)])

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        custom_id = match.string
        values = None
        if len(custom_id) <= CUSTOM_ID_MAX:
            values = parse_fields(match["rest"] or "", cls.fields)
        if values is None:
            return cls._expired(item)
        return cls(*values)

    @classmethod
    def _expired(cls, item: discord.ui.Item[Any]) -> Self:
        """An instance that only says it has expired; none of the subclass's state is set."""
        instance = cls.__new__(cls)
        discord.ui.DynamicItem.__init__(instance, item)
        instance.expired = True
        return instance

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.expired:
            await answer_expired(interaction)
            return
        try:
            await self.run(interaction)
        except Exception as error:  # noqa: BLE001 - the one error path for components
            await send_error(interaction, error)

    async def run(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


def _claimed(client: discord.Client, interaction: discord.Interaction) -> bool:
    """Whether discord.py will hand this component or form to one of our items.

    discord.py has no public "was this handled" hook; its view store (stable across
    2.x) says which templates, live views and open forms it dispatches to.
    """
    data: dict[str, Any] = dict(interaction.data) if isinstance(interaction.data, dict) else {}
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str):
        return False
    store = client._connection._view_store
    if interaction.type is discord.InteractionType.modal_submit:
        return custom_id in store._modals
    if any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items):
        # The template matched; discord.py still drops it silently if the message
        # does not carry that component (a forged custom_id on a real message).
        return _on_message(interaction, custom_id)
    key = (data.get("component_type"), custom_id)
    message_id = interaction.message.id if interaction.message else None
    return key in store._views.get(message_id, {}) or key in store._views.get(None, {})


def _on_message(interaction: discord.Interaction, custom_id: str) -> bool:
    message = interaction.message
    if message is None:
        return False
    view = discord.ui.View.from_message(message, timeout=None)
    return any(getattr(item, "custom_id", None) == custom_id for item in view.walk_children())


_answering: set[asyncio.Task[None]] = set()  # kept referenced until done


def answer_if_unclaimed(client: discord.Client, interaction: discord.Interaction) -> None:
    """Say "expired" to a click or form no item of ours will take (forged, or long gone).

    Called synchronously as discord.py dispatches the interaction: the check must see
    the view store before any callback runs (a view that stops on its first click
    removes itself, and would then look like nobody's).
    """
    kinds = (discord.InteractionType.component, discord.InteractionType.modal_submit)
    if interaction.type not in kinds or _claimed(client, interaction):
        return
    task = asyncio.get_running_loop().create_task(answer_expired(interaction))
    _answering.add(task)
    task.add_done_callback(_answering.discard)


def only_restart_safe(view: discord.ui.View | discord.ui.LayoutView | discord.ui.Modal) -> bool:
    """A view of restart-safe items only (and links): nothing of it needs keeping.

    discord.py keeps every view it sends, an ephemeral one for 15 minutes; for these,
    dispatch goes by the registered templates, so keeping them only costs memory (a
    reading view with its embed, per /story read, grew the bot with use).
    """
    return all(
        isinstance(item, discord.ui.DynamicItem) or not item.is_dispatchable()
        for item in view.walk_children()
    )


def keeping_only_live_views(
    store_view: Callable[..., None],
) -> Callable[..., None]:
    """discord.py's `store_view`, skipping views that need no keeping."""

    def store(
        view: discord.ui.View | discord.ui.LayoutView | discord.ui.Modal,
        message_id: int | None = None,
    ) -> None:
        if view.__discord_ui_modal__ or not only_restart_safe(view):
            store_view(view, message_id)

    return store
