"""Curated word banks: the concrete, renderable nouns and phrases generated prose is built from.

Every entry is pixel prose a world model can draw (materials, light, objects, layout), written so
that it passes the gate's doctrine as it stands: no negation words, no intent phrases, no white-out
or killing vocabulary. ``tests/kernel/test_generate.py`` checks the banks against those rules.

The ``*_WORDS`` maps recognise premise words: a word the premise uses that names a setting, a
material, a light, a colour, a view or a person is promoted into that role; any other word becomes
a modifier ("a drowned cellar", "kraken carvings").
"""

from __future__ import annotations

__all__ = [
    "AMBIENT",
    "AMBIENT_OUTDOOR",
    "CAMERA_DYNAMIC",
    "CAMERA_STATIC",
    "CARRY",
    "COLOR_WORDS",
    "DETAIL",
    "GATES",
    "HAZARDS",
    "KEYS",
    "LAYOUTS",
    "LIGHTS",
    "LIGHT_WORDS",
    "LOSE_SCENES",
    "LOSE_TITLES",
    "MATERIALS",
    "MATERIAL_WORDS",
    "MODIFIERS",
    "MOTIF_FRAMES",
    "MOVE_DYNAMIC",
    "MOVE_STATIC",
    "OBJECTS",
    "OPENINGS",
    "PAUSES",
    "PERSONS",
    "PERSON_WORDS",
    "POSITIONS",
    "ROOMS",
    "SETTING_WORDS",
    "STOPWORDS",
    "VIEW_FRAMES",
    "VIEW_WORDS",
    "WIN_SCENES",
    "WIN_TITLES",
]

ROOMS = (
    "boathouse", "bell tower", "cellar", "archive", "greenhouse", "signal room", "chapel", "workshop",
    "courtyard", "pump room", "loading dock", "gallery", "kitchen", "observatory", "reading room",
    "stairwell", "tunnel", "market hall", "engine room", "dormitory", "vault", "footbridge",
    "station platform", "walled garden", "attic", "pier", "cistern", "foundry", "laboratory",
    "chart room", "boiler room", "cloister", "ballroom", "pantry", "map room", "print shop",
    "radio room", "sail loft", "scriptorium", "conservatory", "tram depot", "watchtower", "crypt",
    "mill room", "salt store", "clock room", "wine cellar", "bathhouse", "barracks", "dovecote",
    "lecture hall", "ticket hall", "smokehouse", "rope walk", "drafting room", "laundry", "chancel",
    "switch room", "coal store", "landing", "corridor", "antechamber", "scullery", "music room",
)

LAYOUTS = (
    "with a low vaulted ceiling", "stretching long and narrow toward a far wall",
    "under a steep timber roof", "ringed by a wooden gallery", "with tall arched windows down one wall",
    "split into two levels by a short stair", "with pillars standing in two rows",
    "tucked under a sloping roof", "with a tiled floor worn into a path", "open to the sky through a broken roof",
    "lined floor to ceiling with shelves", "with a round skylight in a domed ceiling",
    "with a sunken floor behind a railing", "with walls curving into a full circle",
    "with a mezzanine of iron grating overhead", "with a checkerboard floor of cracked tiles",
    "with exposed beams hung with chains", "with a flagstone floor sloping toward a drain",
    "crowded with scaffolding poles", "with bay windows looking out over rooftops",
)

MATERIALS = (
    "weathered granite", "rust-streaked iron", "pale birch planks", "cracked terracotta tile",
    "green copper sheeting", "salt-bleached driftwood", "polished black basalt", "riveted steel plate",
    "moss-covered brick", "lacquered red cedar", "frosted glass block", "chalky limestone",
    "oxidised bronze panels", "woven rattan screens", "poured concrete", "hammered tin sheeting",
    "veined grey marble", "tarred timber", "glazed blue tile", "honey-coloured sandstone",
    "whitewashed plaster", "dark oak panelling", "corrugated iron", "rounded river stone",
    "soot-darkened red brick", "split grey slate", "pitted aluminium", "oiled teak", "ochre adobe",
    "sea-worn concrete",
)

MATERIAL_WORDS = {
    "iron": "black iron", "brass": "polished brass", "copper": "green copper", "stone": "rough stone",
    "glass": "thick green glass", "wood": "worn wood", "wooden": "worn wood", "timber": "old timber",
    "steel": "brushed steel", "marble": "veined marble", "bronze": "dark bronze", "gold": "gold leaf",
    "golden": "gold leaf", "silver": "tarnished silver", "ice": "clear blue ice", "salt": "crusted salt",
    "bone": "yellowed bone", "clay": "red clay", "brick": "red brick", "concrete": "raw concrete",
    "granite": "speckled granite", "crystal": "cut crystal", "coral": "pink coral", "porcelain": "white porcelain",
    "paper": "layered paper", "velvet": "crushed velvet", "rust": "flaking rust", "chrome": "mirror chrome",
    "obsidian": "glossy obsidian", "jade": "carved jade", "ivory": "old ivory", "oak": "dark oak",
    "cedar": "red cedar", "bamboo": "lashed bamboo", "sand": "packed sand", "mud": "dried mud",
    "moss": "thick moss", "tin": "dented tin", "lead": "dull lead", "slate": "grey slate",
    "driftwood": "grey driftwood", "basalt": "black basalt", "plastic": "scuffed plastic",
}

LIGHTS = (
    "low amber lamplight", "cold moonlight through high slit windows", "flickering sodium lamps",
    "a single bare bulb on a cord", "late sun falling in long dusty shafts",
    "a green glow from instrument dials", "candlelight pooled on the floor",
    "grey overcast daylight from a skylight", "red emergency strips along the skirting",
    "lantern light swinging on a hook", "pale dawn light through slatted shutters",
    "pink neon humming over the door", "firelight from an open hearth",
    "blue twilight through a glass roof", "the orange glow of a coal brazier",
    "strings of paper lanterns", "a hooded desk lamp casting a tight circle",
    "stormy light through rain-streaked panes", "streetlight slanting through venetian slats",
    "glowing moss clinging to the walls",
)

LIGHT_WORDS = {
    "moon": "cold moonlight through high windows", "moonlight": "cold moonlight through high windows",
    "moonlit": "cold moonlight through high windows", "candle": "clusters of guttering candles",
    "candles": "clusters of guttering candles", "lantern": "a swinging oil lantern",
    "lanterns": "rows of hanging lanterns", "neon": "buzzing neon tubes", "sun": "hard noon sun through gaps",
    "sunset": "low red sunset light", "sunrise": "thin gold sunrise light", "dawn": "pale dawn light",
    "dusk": "violet dusk light", "twilight": "deep blue twilight", "fire": "crackling firelight",
    "torch": "a sputtering wall torch", "torches": "sputtering wall torches", "starlight": "faint starlight",
    "stars": "faint starlight through a skylight", "aurora": "green aurora light rippling through the windows",
    "lamp": "a brass oil lamp", "lamps": "rows of brass lamps", "lightning": "stuttering lightning flashes",
    "firelight": "crackling firelight", "gaslight": "hissing gas mantles", "ember": "the red glow of embers",
    "embers": "the red glow of embers", "glow": "a soft orange glow", "midnight": "deep midnight gloom",
}

COLOR_WORDS = (
    "green", "red", "blue", "amber", "crimson", "violet", "purple", "orange", "grey", "gray", "black",
    "yellow", "scarlet", "emerald", "azure", "teal", "pink", "ochre", "indigo", "copper", "rose",
    "turquoise", "cobalt", "sepia",
)

SETTING_WORDS = (
    "lighthouse", "castle", "city", "station", "ship", "submarine", "cathedral", "temple", "palace",
    "mansion", "hotel", "hospital", "school", "prison", "mine", "forest", "island", "harbour", "harbor",
    "village", "town", "market", "museum", "library", "factory", "tower", "fortress", "monastery",
    "abbey", "cave", "cavern", "bunker", "spaceship", "starship", "colony", "asylum", "theatre",
    "theater", "circus", "carnival", "farm", "manor", "observatory", "airship", "train", "subway",
    "metro", "mall", "arcade", "casino", "church", "tomb", "pyramid", "ruins", "canal", "bazaar",
    "outpost", "academy", "university", "opera", "garden", "greenhouse", "windmill", "lodge",
    "chateau", "villa", "citadel", "dungeon", "laboratory", "reactor", "dock", "docks", "port",
    "shipyard", "refinery", "sanatorium", "convent", "embassy", "orphanage", "brewery", "distillery",
)

VIEW_WORDS = (
    "sky", "sea", "ocean", "storm", "rain", "snow", "fog", "mist", "night", "winter", "summer",
    "autumn", "river", "wind", "clouds", "desert", "mountains", "mountain", "lake", "tide", "waves",
    "smoke", "ash", "glacier", "jungle", "swamp", "marsh", "volcano", "moor", "tundra", "dunes",
    "valley", "canyon", "reef", "bay", "coast", "cliffs", "hills", "meadow", "sunlight", "blizzard",
)

VIEW_FRAMES = (  # whole clauses, so each reads as a sentence
    "a high window frames the {word}", "the {word} shows through a cracked pane",
    "a porthole looks out onto the {word}", "a round window is filled with the {word}",
    "a painted panorama of the {word} runs along one wall",
)

PERSON_WORDS = (
    "detective", "diver", "astronaut", "knight", "girl", "boy", "robot", "child", "witch", "sailor",
    "pilot", "soldier", "thief", "monk", "nun", "explorer", "scientist", "doctor", "nurse", "ghost",
    "cat", "dog", "fox", "wizard", "courier", "hunter", "keeper", "miner", "engineer", "archivist",
    "smuggler", "pirate", "princess", "prince", "queen", "king", "android", "survivor", "traveller",
    "traveler", "wanderer", "student", "mechanic", "cartographer", "musician", "painter", "chef",
    "priest", "orphan", "widow", "stranger", "woman", "man", "botanist",
    "spy", "guard", "janitor", "clerk", "fisherman", "fisher", "baker", "librarian", "mapmaker",
    "pilgrim", "ranger", "scavenger", "drifter", "apprentice", "inspector", "gardener", "sleepwalker",
)

PERSONS = (
    "traveller", "courier", "lamplighter", "surveyor", "archivist", "wanderer", "cartographer",
    "night watchman", "mechanic", "scavenger",
)

CARRY = (
    ("an oil lantern", "lantern"), ("a hand torch", "torch beam"), ("a stub of candle", "candle"),
    ("a brass lamp", "lamp"), ("a glowing phone", "phone screen"), ("a storm lantern", "lantern"),
)

MODIFIERS = (
    "dusty", "cramped", "half-flooded", "cluttered", "frost-rimed", "soot-stained", "sun-warmed",
    "rain-soaked", "overgrown", "derelict", "candle-waxed", "echoing", "lopsided", "freshly swept",
)

MOTIF_FRAMES = (  # {a_word} is the word with its article ("an edge…" / "a kraken…"), never a hand-written "a"
    "{word} carvings run along the {material} beams", "{a_word} banner hangs from the rafters",
    "{word} graffiti is daubed across one wall", "{a_word} emblem is painted above the door",
    "{a_word} mosaic covers a patch of the floor", "a faded {word} poster peels from a pillar",
    "{a_word} figurine stands on a shelf", "{word} patterns are stitched into a hanging quilt",
)

OBJECTS = (
    "a stack of waxed crates", "a brass telescope on a tripod", "coils of hemp rope",
    "a long oak table scattered with maps", "rows of glass jars on a shelf", "a cast-iron stove",
    "a rack of oilskin coats", "a tilted upright piano", "an empty birdcage on a chain",
    "a workbench strewn with gears", "a toppled armchair", "a pile of folded sailcloth",
    "a tall pendulum clock", "barrels stacked three high", "a cracked mirror in a gilt frame",
    "a drafting desk with a green lamp", "shelves of leather-bound ledgers",
    "a copper boiler with a pressure gauge", "a wheeled trolley of tools", "a cot with a grey blanket",
    "sacks of grain", "a stone basin of still water", "a hanging ship's bell",
    "a tangle of cables across the floor", "a glass display case", "potted ferns on iron stands",
    "a loom strung with blue thread", "an anvil on a tree stump", "a telephone switchboard",
    "a chalkboard covered in equations", "a brass diving helmet", "crates of empty bottles",
    "a rolled carpet", "a bench of folded uniforms", "a spinning wheel", "a map pinned with red string",
    "a stuffed heron in a case", "a rowing boat on trestles", "a typewriter on a stool",
    "a radio set with glowing valves", "a heap of rusted chains", "a brass gramophone",
)

AMBIENT = (  # indoor: rooms, and the endings that are indoors
    "dust motes drifting through the light", "water dripping from a seam in the ceiling",
    "a moth circling the lamp", "steam curling from a floor vent", "a curtain stirring in a draught",
    "rain streaking the window glass", "embers glowing in an iron grate",
    "loose pages lifting in a breeze", "a clock pendulum swinging behind glass",
    "cobwebs swaying in the corners", "a loose shutter tapping against its frame",
    "snow sifting through a crack in the roof", "candle flames leaning in the draught",
    "a thin stream of sand trickling from a split sack", "a cat's shadow crossing the far wall",
    "pipes ticking as they cool", "leaves skittering across the floor", "a fly buzzing at the window",
    "puddles rippling as drips land", "a chandelier turning slowly on its chain",
)

AMBIENT_OUTDOOR = (  # the open-air endings (every win scene, the outdoor lose scenes)
    "gulls wheeling overhead", "clouds drifting slowly across the sky", "long grass bending in the wind",
    "a flag snapping in the breeze", "a flock of starlings turning far off", "sunlight glinting on distant water",
    "smoke rising from a far chimney", "leaves tumbling past on the wind", "light rain drifting past in grey sheets",
    "a kite circling high above",
)

CAMERA_STATIC = (
    "eye-level view, steady framing, 35mm lens", "wide shot from the doorway, locked off",
    "low angle from the floor, steady", "high corner view looking down across the room",
    "over-the-shoulder view behind the {subject}, steady", "centred symmetrical framing at chest height",
    "three-quarter view across the room, fixed", "wide lens at hip height, level horizon",
)

CAMERA_DYNAMIC = (
    "slow dolly forward at walking pace", "gentle handheld follow behind the {subject}",
    "smooth pan across the room from left to right", "slow push-in toward the far wall",
    "steady tracking shot alongside the {subject}", "slow crane up revealing the ceiling",
    "slow orbit around the {subject}", "gentle tilt down from the ceiling to the floor",
)

MOVE_STATIC = (
    "the {subject} stands still at the centre, breathing slowly, coat hem stirring",
    "the {subject} waits by the entrance, {carry} held low",
    "the {subject} crouches to study the floor, one hand on a knee",
    "the {subject} leans against a pillar, {carry} raised",
    "the {subject} stands at a window, shoulders rising with each breath",
    "the {subject} holds {carry} up, turning a slow half circle",
)

MOVE_DYNAMIC = (
    "the {subject} walks forward at an even pace, {carry} swinging",
    "the {subject} turns slowly, scanning the walls",
    "the {subject} steps carefully around the clutter",
    "the {subject} strides across the room, coat flaring",
    "the {subject} picks a path along the wall, one hand trailing the surface",
    "the {subject} climbs onto a crate for a better view, then hops down",
)

# An opening is (noun phrase, the verb for passing through it).
# An opening is (noun phrase, the verb for passing through it, the same verb as a command).
OPENINGS = (
    ("arched doorway", "walks through", "walk through"), ("narrow stair", "climbs", "climb"),
    ("spiral stair", "winds down", "wind down"), ("low hatch", "ducks through", "duck through"),
    ("iron ladder", "climbs", "climb"), ("sliding door", "slides open", "slide open"),
    ("curtained archway", "pushes through", "push through"),
    ("gap in the wall", "squeezes through", "squeeze through"), ("plank gangway", "crosses", "cross"),
    ("pair of swing doors", "shoulders through", "shoulder through"), ("stone ramp", "walks down", "walk down"),
    ("round portal", "steps through", "step through"), ("wrought-iron gate", "passes through", "pass through"),
    ("trapdoor", "drops through", "drop through"), ("tiled passage", "follows", "follow"),
    ("covered walkway", "hurries along", "hurry along"),
)

POSITIONS = (
    "on the left", "on the right", "straight ahead", "at the back", "in the far corner",
    "beneath the window", "beside the entrance", "up on a landing", "down a short step",
    "behind a pillar", "past the workbench", "along the right wall",
)

DETAIL = (
    "dust sifting down from the lintel", "hinges creaking as the way swings open",
    "{carry} light sliding across the walls", "footsteps echoing off the {material}",
    "a draught tugging at the coat", "loose grit crunching underfoot", "cobwebs parting across the gap",
    "shadows stretching and shrinking as the light moves", "a pigeon bursting up from a ledge",
    "water splashing underfoot",
)

# A key is (what it is, where it rests).
KEYS = (
    ("brass key", "a nail above the door"), ("iron crank handle", "a crate lid"),
    ("punched copper token", "a saucer on the shelf"), ("wax-sealed letter", "a pigeonhole"),
    ("glass fuse", "a velvet-lined box"), ("valve wheel", "a coil of rope"),
    ("signal lamp lens", "a folded cloth"), ("coded ledger", "a reading stand"),
    ("bone-handled key", "a hook by the window"), ("brass combination dial", "a workbench"),
    ("steel winding key", "a clock case"), ("ring of keys", "a rusted hook"),
)

# A gate is (the barrier, how it is held shut).
GATES = (
    ("riveted steel door", "a heavy padlock"), ("portcullis", "a chained winch"),
    ("vault door", "a brass wheel lock"), ("iron grille", "a barred hasp"),
    ("oak double door", "a beam across its brackets"), ("bulkhead hatch", "a seized clamp"),
    ("glass-panelled door", "a keyhole plate"), ("wrought-iron gate", "a looped chain"),
)

# A hazard is (the surface, what lies under it).
HAZARDS = (
    ("cracked stone ledge", "a dark drop"), ("sagging gantry", "a flooded shaft"),
    ("rotten plank walkway", "black water"), ("rusted catwalk", "a deep pit"),
    ("thin crust of ice", "an open well"), ("crumbling balcony", "the street far below"),
    ("slumped floor", "a collapsed cellar"), ("loose scaffold", "an open stairwell"),
)

PAUSES = (
    "pauses to study the {object}, leaning close as the light shifts across it",
    "runs a hand along the {material}, tracing its seams slowly",
    "holds {carry} high and turns in a slow circle, light sweeping the corners",
    "kneels and brushes grit from the floor, uncovering painted tiles",
    "stands at the window, breath fogging the glass",
    "sets {carry} down beside the {object} and studies it closely",
)

WIN_SCENES = (  # all in the open air (their ambience comes from AMBIENT_OUTDOOR)
    "a rooftop terrace above the {setting} at sunrise, gulls wheeling over chimney pots",
    "an open harbour wall at dawn, boats rocking in a gentle swell",
    "a hilltop meadow under a wide pale sky, long grass rippling",
    "a sunlit station platform where a train waits with open doors",
    "a wide balcony overlooking the whole {setting} at dawn, bunting fluttering",
    "a quiet beach of grey pebbles under a clearing sky, waves folding in",
)

WIN_TITLES = ("Daylight", "The Way Out", "Open Sky", "Morning", "Homeward", "Free Air")

# A lose scene is (the scene, whether it is in the open air); {a_carry_noun} carries its article.
LOSE_SCENES = (
    ("a flooded shaft of black water, a dropped {carry_noun} floating on the surface", False),
    ("a heap of broken timber at the foot of a collapsed stair, dust settling in a shaft of light", False),
    ("a deep pit with smooth walls rising toward a small square of sky", True),
    ("a frozen ledge deep in a crevasse, frost creeping over a dropped {carry_noun}", True),
    ("a dark culvert choked with rubble, a trickle of water running past a fallen {carry_noun}", False),
    ("a sealed chamber of bare {material}, {a_carry_noun} guttering on the floor", False),
    ("a tangle of snapped scaffolding in a dim courtyard, rain falling on the wreckage", True),
    ("a sunken room filling slowly with silt-brown water, bubbles rising", False),
    ("a narrow crawlspace packed with fallen bricks, a single beam of light from above", False),
    ("a cold cistern floor littered with broken slates, a cracked {carry_noun} on its side", False),
    ("a jammed lift cage stalled between floors, its cable frayed and swaying", False),
    ("a wall of shifting sand pouring through a split in the ceiling", False),
    ("a darkened vault, its door swung shut, {a_carry_noun} flickering low", False),
    ("a collapsed gallery, beams crossed over a dust-choked gap", False),
)

LOSE_TITLES = (
    "Swallowed by the Dark", "The Long Fall", "Buried", "Lost Below", "Sealed In", "The Deep Water",
    "Gone to Dust", "Under the Rubble", "The Cold Floor", "Drowned Lamps", "Stalled", "The Quiet End",
    "Left Behind", "Out of Reach",
)

_STOP_TEXT = """
    a an the of in on at to for with and or but under over into onto from by as is are was were be
    been being it its this that these those there their they them he she his her him we our you your
    me my who whom which what where when while why how than then so if about after before above below
    between through across along around near inside outside up down out off again each every all any
    some many much more most one two three just only also very can could would shall may might has
    have had do does did get gets got make makes made let lets yet still even ever here such own same
    other another because until upon within via per amid against among toward towards whose itself
    anyone someone everyone anything something everything anybody somebody everybody story stories
    world worlds game games scene scenes setting premise thing things stuff way ways time times kind
    sort lot lots like want wants need needs going try tries trying find finds use uses look looks
    back around becomes become getting
"""
_PLACING_TEXT = """
    edge side middle centre center heart top bottom end front rear rim brink verge fringe border
    outskirts depth depths surface interior exterior part half rest midst tip core foot far near
    hour minute second day week month year moment century age era while
"""
"""Nouns that place a thing in space or time ("at the edge of a storm", "in the last hour"). On their
own they show a camera nothing, so as modifiers they make nonsense pairs ("an edge mosaic", "an hour
banner"); they are dropped like stopwords."""
STOPWORDS = frozenset(_STOP_TEXT.split()) | frozenset(_PLACING_TEXT.split())
