"""Words a reader may ask with that a story says in other words: "swear vengeance" where
the text has "vowed revenge", "laid to rest" where it has "buried".

A small table of general English near-synonyms (and a few words with the more general
word a story uses for them), grouped by meaning, written from ordinary usage and not from
any story's text. `answer_terms` reaches for it only for a question word the story never
uses, and keeps only the group's words the story does use, so a word the story has is
never widened and an unused group costs nothing. The groups stay narrow on purpose: a
word with many senses ("take", "get", "make") is in none, and a group holds words one
could put in each other's place in a question without changing what it asks.

Why not WordNet: its synsets are per sense and a question's sense is unknown, so its
union over senses is far wider than these groups ("kill" reaches "drink down" and "toss
off"), and every package shipping its data adds tens of megabytes to a bot that answers
from one story at a time.

Plain Python (no discord import).
"""

from __future__ import annotations

from functools import lru_cache

from bot.core.wordforms import base_form, word_root

# Each line one meaning; a word may be in two lines when it has two meanings.
_GROUPS = """
kill murder slay slaughter assassinate
die perish expire decease
death demise
bury burial grave entomb inter
cemetery graveyard churchyard
revenge vengeance avenge retribution retaliate
swear vow pledge oath
promise pledge vow
choose select pick
buy purchase
sell vend
steal rob pilfer thieve
thief robber burglar
hide conceal
find discover
begin start commence
end finish conclude
leave depart quit
arrive reach
escape flee
mend repair fix
break smash shatter
build construct erect
ask inquire enquire question
answer reply respond
shout yell scream cry
whisper murmur mutter
look gaze stare glance
see notice spot observe
walk stroll stride tramp
run dash race hurry rush
wait await
help aid assist
want desire wish
love adore cherish
hate detest loathe despise
fear dread terror fright
afraid frightened scared terrified fearful
angry furious irate enraged
anger rage fury wrath
happy glad joyful cheerful
sad unhappy sorrowful miserable
grief sorrow mourning
weep cry sob
laugh chuckle giggle
gift present
money cash funds
rich wealthy
poor needy penniless
prison jail gaol
prisoner captive convict inmate
imprison confine jail
kidnap abduct
victim prey
safe vault strongbox
house home dwelling
room chamber
shop store
job trade occupation profession employment work
doctor physician surgeon
servant attendant maid footman
wife spouse
husband spouse
child kid youngster
boy lad
girl lass
old elderly aged
young youthful
ill sick unwell
illness sickness disease malady ailment
cure heal remedy
hurt injure wound
injury wound
strike hit beat
grab seize snatch clutch
throw toss fling hurl
carry convey
bring fetch
send dispatch
letter note message
plan scheme plot
trick deceive fool dupe
lie falsehood
liar deceiver
tell inform
check verify confirm assure
sure certain
agree consent
refuse decline
forbid prohibit
allow permit let
marry wed
wedding marriage
meet encounter
visitor guest caller
friend companion comrade
enemy foe
fight quarrel struggle
argue dispute quarrel
win triumph
lose forfeit
bet wager stake
reward prize
punish penalise penalize
sleep slumber doze
wake awaken rouse
eat dine devour
drink sip gulp
hungry starving famished
tired weary exhausted
quiet silent
noise sound din
road street lane
village hamlet
town city
country countryside rural
sea ocean
ship boat vessel
journey trip voyage travel
clothes clothing garments
hat cap bonnet
coat cloak overcoat
stay remain
live dwell reside
rent lease hire
price cost charge fee
wage wages salary pay
lend loan
owe debt
give donate
keep retain
shut close
open unlock
dark gloomy dim
fire flame blaze
clock timepiece
""".strip().splitlines()

# A phrase a reader uses for one word ("laid to rest": buried), folded, to the word.
PHRASES = {
    "laid to rest": "buried",
    "lay to rest": "bury",
    "put to death": "killed",
    "passed away": "died",
    "pass away": "die",
    "give up": "surrender",
    "gave up": "surrendered",
    "run away": "flee",
    "ran away": "fled",
    "made sure": "checked",
    "make sure": "check",
    "get rid of": "remove",
    "got rid of": "removed",
    "set fire to": "burn",
    "set off": "depart",
    "find out": "discover",
    "found out": "discovered",
}


# One way only: a general word a reader asks with, and the more particular words a story
# tells it by ("What was the baby named?" / "a son had been born"). Never the reverse: a
# question about the son is not about any baby.
_KINDS = """
baby infant child son daughter newborn
weapon gun pistol revolver rifle knife dagger sword
gun pistol revolver rifle musket
animal dog cat horse cow pig sheep goat bird
dog hound spaniel terrier puppy
horse mare stallion pony colt
boat ship vessel skiff punt canoe ferry
money coins coin sovereign sovereigns guinea guineas shilling shillings pounds dollars
drink wine beer ale brandy whisky tea coffee
relative mother father brother sister aunt uncle cousin grandmother grandfather
parent mother father
inherit bequeath leave
""".strip().splitlines()


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in _GROUPS:
        forms = {base_form(word) for word in line.split()}
        for form in forms:
            table.setdefault(form, set()).update(forms - {form})
    for line in _KINDS:
        general, *kinds = (base_form(word) for word in line.split())
        table.setdefault(general, set()).update(kinds)
    return {form: frozenset(others) for form, others in table.items()}


def synonyms_of(base: str) -> frozenset[str]:
    """The base forms of the words that can stand for the word whose base form is `base`
    in a question, without it ("kill" → murder, slay …)."""
    return _table().get(base, frozenset())


def synonym_forms(base: str) -> frozenset[str]:
    """Each synonym's base form and root, as a story's word forms hold them."""
    return frozenset(form for other in synonyms_of(base) for form in (other, word_root(other)))
