"""The one place every outgoing payload is fitted to Discord's limits (issue 16.9)."""

from __future__ import annotations

import discord

from bot.discord_adapter.outgoing import fit_content, fit_embeds, unmentioned
from tests.limits import assert_within_discord_limits


def oversized() -> discord.Embed:
    embed = discord.Embed(title="T" * 300 + " <@123>", description="d" * 5000)
    for number in range(30):
        embed.add_field(name=f"<#{number}> " + "n" * 300, value="v" * 2000)
    embed.set_footer(text="by <@&456> " + "f" * 3000)
    embed.set_author(name="a" * 400)
    return embed


def test_every_part_and_the_total_of_several_embeds_fit():
    embeds = fit_embeds([oversized(), oversized()])
    assert_within_discord_limits(
        {"content": fit_content("c" * 2500), "embeds": [e.to_dict() for e in embeds]}
    )
    first = embeds[0]
    assert first.title is not None and first.title.endswith("…")
    assert 0 < len(first.fields) < 25  # long values cut first, then trailing fields dropped
    assert all(len(f.value or "") >= 200 for f in first.fields)


def test_the_originals_are_left_alone():
    embed = oversized()
    fit_embeds([embed])
    assert len(embed.description or "") == 5000


def test_mention_markup_leaves_titles_names_and_footers_but_not_values():
    embed = discord.Embed(title="<@1>", description="<@2>")
    embed.add_field(name="<#3>", value="<#4>")
    embed.set_footer(text="<@&5> and <@\u200b6>")
    (fitted,) = fit_embeds([embed])
    assert fitted.title == "@someone" and fitted.description == "<@2>"
    assert fitted.fields[0].name == "#channel" and fitted.fields[0].value == "<#4>"
    assert fitted.footer.text == "@role and @someone"
    assert unmentioned("plain") == "plain"
