"""The word lists character extraction reads: words that are never a name, words that
say a name is a person, titles, nationalities, countries.

Kept apart from the rules (bot/core/characters/) so that either can be read alone.
No story's names are listed here: what a story names is found from its text.
"""

from __future__ import annotations

# Words that start sentences or fill them, never a person's or place's name.
FUNCTION_WORDS = frozenset(
    """a an the and but or nor so yet for if then than as at by in on of off to up from
    into onto upon with without within about above across after against along among around
    before behind below beneath beside besides between beyond during except inside near
    outside over past since through throughout till toward towards under underneath until
    via while whilst where when whenever wherever whether which who whom whose why how what
    whatever whoever i i'm i've i'd i'll me my mine myself we us our ours ourselves you your
    yours yourself he him his himself she her hers herself it it's its itself they them their
    theirs themselves this that these those there here now today tonight tomorrow yesterday
    once twice one two three four five six seven eight nine ten first second third last next
    another other others each every either neither both all any some many much more most few
    several such no not never always often sometimes still just only even also too very
    quite rather almost already soon later again perhaps maybe yes well okay ok please thanks
    thank sorry dear dearest let let's do does did don't didn't can can't could couldn't will won't
    would wouldn't should shouldn't must might shall is are was were be been being am have
    has had having nothing everything something anything nobody everyone someone anyone""".split()
)
# Greetings, interjections and common foreign words of dialogue.
GREETINGS = frozenset(
    """bonjour bonsoir salut merci adieu ciao hola gracias adios adiós buongiorno buonasera
    grazie prego hallo danke bitte hej obrigado obrigada oui non si sí ja nein bravo voilà
    voila olá ola shalom namaste privet spasibo nyet welcome hello hi hey goodbye bye cheers ah
    oh alas wow amigo amiga chérie cherie bella bello enchanté enchantée santé salud""".split()
)
# Listed words that are also given names, when the text uses them as one.
NAME_LIKE_FUNCTION_WORDS = frozenset(["will"])
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
# "on Sundays" too: a day, plural, is no more a place or a person than the day.
DAYS = frozenset(_WEEKDAYS + [f"{day}s" for day in _WEEKDAYS])
MONTHS = frozenset(
    """january february march april may june july august september october november
    december""".split()
)
# "in May", "since Friday": the month or day, even in a story with someone called May.
CALENDAR_PREPOSITIONS = frozenset(
    """in on since until till by last next early late mid of every each this that through
    during before after from to""".split()
)
# Nationalities, languages and city demonyms: never people or places, but origins.
NATIONALITIES = frozenset(
    """afghan albanian algerian american andorran angolan argentine argentinian armenian
    australian austrian azerbaijani bangladeshi belarusian belgian bolivian bosnian brazilian
    british bulgarian burmese cambodian cameroonian canadian chilean chinese colombian
    congolese croatian cuban cypriot czech danish dutch ecuadorian egyptian english eritrean
    estonian ethiopian filipino finnish french georgian german ghanaian greek guatemalan
    haitian honduran hungarian icelandic indian indonesian iranian iraqi irish israeli italian
    ivorian jamaican japanese jordanian kazakh kenyan korean kurdish kuwaiti lao latvian
    lebanese liberian libyan lithuanian malagasy malaysian malian maltese mexican moldovan
    mongolian moroccan mozambican namibian nepalese nigerian norwegian pakistani palestinian
    panamanian paraguayan persian peruvian polish portuguese qatari romanian russian rwandan
    saudi scottish senegalese serbian singaporean slovak slovenian somali spanish sudanese
    swedish swiss syrian taiwanese tajik tanzanian thai tibetan tunisian turkish ugandan
    ukrainian uruguayan uzbek venezuelan vietnamese welsh yemeni zambian zimbabwean european
    african asian arab arabic hebrew hindi urdu bengali punjabi tamil swahili yoruba igbo hausa
    zulu amharic catalan basque breton galician flemish yiddish latin creole scandinavian
    nordic parisian londoner venetian muscovite berliner viennese milanese neapolitan sami
    inuit maori quechua romani gaelic cornish frisian sicilian""".split()
)
COUNTRIES = frozenset(
    [
        *"""afghanistan albania algeria argentina armenia australia austria azerbaijan
        bangladesh belarus belgium bolivia bosnia brazil britain bulgaria cambodia cameroon
        canada chile china colombia congo croatia cuba cyprus czechia denmark ecuador egypt
        england eritrea estonia ethiopia finland france germany ghana greece guatemala haiti
        honduras hungary iceland india indonesia iran iraq ireland italy jamaica japan
        kazakhstan kenya korea kosovo kuwait laos latvia lebanon liberia libya lithuania
        luxembourg madagascar malaysia mali malta mexico moldova mongolia montenegro morocco
        mozambique myanmar namibia nepal netherlands nigeria norway pakistan palestine panama
        paraguay persia peru philippines poland portugal qatar romania russia rwanda scotland
        senegal serbia singapore slovakia slovenia somalia spain sudan sweden switzerland syria
        taiwan tajikistan tanzania thailand tibet tunisia turkey uganda ukraine uruguay
        uzbekistan venezuela vietnam wales yemen zambia zimbabwe""".split(),
        "united states",
        "united kingdom",
        "new zealand",
        "south africa",
        "south korea",
        "north korea",
        "sri lanka",
        "saudi arabia",
        "costa rica",
        "el salvador",
        "ivory coast",
        "czech republic",
    ]
)
CONTINENTS = frozenset("europe asia africa america antarctica oceania".split())

# The last word of a place's name says what it is: "Eiffel Tower", "Bolshoi Theatre".
PLACE_HEADS: dict[str, str] = {
    **dict.fromkeys(
        """tower bridge cathedral basilica abbey monument statue palace castle fortress
        square plaza gate arch arc fountain temple church chapel mosque synagogue pyramid
        pyramids tomb pantheon park gardens garden""".split(),
        "landmark",
    ),
    **dict.fromkeys(
        """theatre theater gallery museum café cafe restaurant bistro brasserie bar pub inn
        hotel studio atelier opera hall club library school university college academy
        conservatory conservatoire institute hospital clinic shop store bakery market station
        airport cinema stadium arena centre center office tavern""".split(),
        "venue",
    ),
    **dict.fromkeys("river canal".split(), "river"),
    **dict.fromkeys("quarter district".split(), "district"),
    **dict.fromkeys("city town".split(), "city"),
    **dict.fromkeys(
        """street road avenue boulevard lane way drive alley lake mountain mountains hill
        hills valley bay sea ocean island islands beach coast harbour harbor port forest
        woods desert falls heights creek brook cove ridge peak glen moor marsh swamp
        springs county state states province territory""".split(),
        "place",
    ),
}
# Capitalised words that are never someone in a story: God and oaths ("Heaven help us",
# "Good Lord"), holidays ("Christmas Day", "Merry Christmas"). A personified abstraction
# ("Victory", "Romance") is found from the text instead: see evidence.py.
NEVER_PEOPLE = frozenset(
    """god gods goddess heaven heavens providence christ jesus satan devil almighty
    christmas xmas easter whitsun whitsuntide michaelmas lent advent hallowe'en halloween
    thanksgiving sabbath""".split()
    # Illnesses and fates a story personifies ("a cold, unseen stranger, whom the doctors
    # called Pneumonia … Mr. Pneumonia was not a chivalric old gentleman").
    + """pneumonia fever consumption cholera typhus typhoid influenza plague smallpox
    measles diphtheria tuberculosis malaria death fate destiny""".split()
)
# Adverbs that open sentences and glue onto the name after them: "Thereafter Madame
# Loisel" is Madame Loisel.
SENTENCE_ADVERBS = frozenset(
    """thereafter hereafter thereupon meanwhile afterwards afterward nevertheless
    nonetheless however moreover furthermore therefore thus hence besides instead otherwise
    accordingly consequently presently suddenly finally still yet already""".split()
)
# The last word of an institution's or a firm's name: "the Frazzled Wheat Company".
INSTITUTION_HEADS = frozenset(
    """company co corporation firm bank society association union council committee
    ministry department bureau railway railroad brotherhood order army navy regiment
    government parliament court board agency trust fund league party""".split()
)
# Plural nouns for people: "Two Desperate Men" signs a letter, it is not somebody.
PEOPLE_PLURALS = frozenset(
    """men women people persons folk folks boys girls children ladies gentlemen brothers
    sisters friends fathers mothers""".split()
)
# The first word of a place's name says so too: "Rue Victor Hugo", "Gare de Lyon".
PLACE_PREFIXES: dict[str, str] = {
    **dict.fromkeys(
        """rue avenue boulevard quai place chemin allée impasse via calle plaza piazza
        strada lake mount mont île ile isle cape port san santa são sao""".split(),
        "place",
    ),
    **dict.fromkeys(
        """gare café cafe hôtel musée museo atelier théâtre teatro galerie galleria
        brasserie bistro chez""".split(),
        "venue",
    ),
    **dict.fromkeys(
        """pont château palais église basilique tour arc cathédrale jardin parc fort
        notre""".split(),
        "landmark",
    ),
    **dict.fromkeys("river lac".split(), "river"),
}
# Hyphenated place prefixes: "Saint-Malo", "Sainte-Mère-Église", "St-Tropez".
PLACE_HYPHEN_PREFIXES = ("saint-", "sainte-", "st-", "ste-", "notre-")
# Heads that take "of" inside a name: "Studio of Dreams", "Tower of London".
OF_HEADS = frozenset(
    """studio museum tower university bank church cathedral palace city isle island bay gulf
    cape lake mount republic kingdom gallery academy school college institute temple statue
    house hall bridge gate garden gardens sea strait valley""".split()
)
# Lower-case particles inside names: "Atelier des Rêves", "Ludwig van Beethoven".
PARTICLES = frozenset(
    "de des du la le les del della da di dos das van von der den ten ter y sur".split()
)

# Titles and the gender they imply (None: either).
TITLES: dict[str, str | None] = {
    **dict.fromkeys(
        "mr mister sir lord monsieur señor senor signor herr uncle father".split(), "m"
    ),
    **dict.fromkeys(
        """mrs ms miss madame mme mademoiselle mlle señora senora señorita signora frau lady
        dame aunt auntie""".split(),
        "f",
    ),
    **dict.fromkeys(
        "dr doctor prof professor captain detective inspector officer sergeant judge".split(),
        None,
    ),
}
# Ranks and offices a story may call someone by, with "the": "the Colonel", "the Vicar".
# Never a place; someone when the text has them act or speak ("said the Colonel").
OFFICES = frozenset(
    """colonel major general admiral captain lieutenant commander sergeant corporal
    governor mayor magistrate judge squire vicar rector parson curate bishop cardinal
    abbot prior duke duchess earl countess baron baroness marquis marquess emperor empress
    king queen prince princess consul ambassador president chancellor minister professor
    doctor inspector superintendent constable warden""".split()
)
# What a family calls its own, used as a name ("Mum says", "Gran laughs"), and the gender
# the word itself says.
KIN_NAMES: dict[str, str] = {
    **dict.fromkeys(
        "mum mom mummy mommy mother ma mama mamma gran granny grandma grandmother nan nana".split(),
        "f",
    ),
    **dict.fromkeys("dad daddy father pa papa grandpa grandad granddad grandfather".split(), "m"),
}
TITLE_SYNONYMS = {
    "mister": "mr",
    "doctor": "dr",
    "professor": "prof",
    "mme": "madame",
    "mlle": "mademoiselle",
    "senor": "señor",
    "senora": "señora",
}

# Verbs that follow a person far more often than a place.
PERSON_VERBS = frozenset(
    """said says asked asks replied answered whispered whispers murmured shouted called cried
    exclaimed added continued explained insisted muttered laughed laughs smiled smiles nodded
    nods grinned frowned sighed shrugged gasped stepped walked walks ran hurried turned
    looked looks stared glanced gazed watched listened felt feels thought thinks knew knows
    realised realized decided wondered noticed saw sees heard browsed stumbled introduced
    handed greeted took made found pushed pulled opened sat sits stood waited wanted loved
    hated hoped wished remembered forgot spoke speaks began tried returned worked painted
    paints danced sang wrote reads played cooked met kissed hugged waved winked blushed wept
    slept woke ate drank sipped chatted talked told tells invited offered gave showed pointed
    paused hesitated agreed approached entered climbed lived grew prepared answered thanked
    leaned reached picked glared beamed teased joked admitted promised studied practised
    practiced traced packed boarded arrived moved awoke awakened dreamed dreamt shuddered
    trembled sobbed fainted knelt prayed""".split()
)
SPEECH_VERBS = frozenset(
    """said says asked asks replied answered whispered whispers murmured shouted called cried
    exclaimed added continued explained insisted muttered laughed smiled sighed began told
    admitted agreed teased joked announced breathed yelled greeted offered promised
    repeated""".split()
)
# A possessive before one of these is a person's: "Valérie's eyes".
PERSON_NOUNS = frozenset(
    """eyes eye heart hand hands face voice smile mother father mom mum dad parents family
    friend friends husband wife brother sister son daughter children child lips hair gaze
    mind thoughts head shoulder shoulders arm arms fingers feet legs body life dream dreams
    passion career name apartment room work words laugh cheeks expression soul spirit style
    paintings painting art canvases music voice story""".split()
)
TIME_WORDS = frozenset(
    """morning evening night day days week weeks month months year years moment time
    afternoon hour hours minute minutes while weekend season summer winter spring autumn
    fall""".split()
)
# Nouns that name what a person is: an apposition ending in one is about a person.
PERSON_ROLE_NOUNS = frozenset(
    """woman man girl boy lady gentleman friend stranger artist painter photographer writer
    poet musician dancer ballerina mathematician teacher doctor nurse student owner baker
    fisherman mother father sister brother wife husband daughter son aunt uncle cousin child
    widow widower neighbour neighbor landlady landlord waiter waitress chef cook singer actor
    actress sculptor architect engineer scientist lawyer journalist pianist violinist
    composer novelist historian professor captain sailor soldier merchant shopkeeper seller
    vendor curator collector designer tailor gardener farmer driver priest nun queen king
    prince princess dreamer poetess detective inspector officer clerk gallerist
    illustrator""".split()
)
FEMALE_NOUNS = frozenset(
    """woman girl lady mother wife sister daughter aunt grandmother actress waitress ballerina
    queen princess""".split()
)
MALE_NOUNS = frozenset(
    """man boy gentleman father husband brother son uncle grandfather actor waiter king
    prince""".split()
)
# A noun that names a person and says their gender ("her sister", "Tom's wife").
GENDERED_NOUNS = FEMALE_NOUNS | MALE_NOUNS
PRONOUN_GENDER = {
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
}
# Nouns after a nationality that make it someone's origin: "Russian heritage".
ORIGIN_NOUNS = frozenset(
    """heritage roots family descent ancestry blood parents origins upbringing background
    accent passport citizen nationality homeland""".split()
)
DEMONYM_SUFFIXES = ("ian", "ians", "ean", "an", "ese", "er", "ers", "ite", "ois", "oise", "ien")
