"""Words as the lexical side of retrieval sees them: lower-cased, stop words out, Snowball-stemmed.

Acronyms survive ("IEPs" -> "iep"), everyday variants of one word meet ("kids"/"children" ->
"child"), and misspelt words are corrected against the corpus's own words (rapidfuzz; a slip that
makes another English word, "dose" for "does", by how much commoner the word meant is, from
wordfreq), so BM25 and the answerability check find them.
"""

from __future__ import annotations

import bisect
import itertools
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

# English function words, with contractions as people type them without the apostrophe
# ("dont", "thats") and chat interjections ("lol", "ugh"): they shape a sentence and name no topic.
STOP_WORDS = frozenset(
    """
    lol haha omg ugh hmm btw tbh idk imo thx ty lmao jk fyi
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself
    yourselves im i'm it's you're don doesn didn isn aren wasn weren won wouldn shouldn couldn let lets get gets got
    dont doesnt didnt isnt arent wasnt werent wouldnt shouldnt couldnt cant ive youre theyre
    thats whats hows wheres whos havent hasnt hadnt wont theyve weve youve hes shes wouldve
    couldve shouldve aint itll theyll youll thatll theres heres yall
    tell know want wanted like please thanks thank hi hello hey okay ok kind sort really
    much many may might must shall us one ones thing things something anything way ways lot
    lots go going without within across among via upon onto toward towards around else though tho
    till til unless since
    """.split()
)
# Words that shape a question rather than name its topic (asking, comparing, judging, who is
# asking): general English, left out when judging whether the articles cover what was asked.
QUESTION_WORDS = frozenset(
    """
    ask asks asked asking compare compared comparing comparison differ differs difference
    differences different vs versus check explain describe mean means meaning define definition
    want wants need needs think say says said talk talking info information question questions
    tell told help example examples typical typically usually generally general whether come
    comes wondering wonder curious draft drafting reply replying respond someone good bad
    better best great right easier harder easy hard nice worth actually basically really
    normal kinda sorta stuff honestly anyone somebody everyone
    actual even exactly literally truly totally
    """.split()
)
# "How long", "how old", "how far": the adverb after "how" says what kind of answer is asked
# for (a span, an age, a distance), not its topic, as "many" in "how many" does not.
_HOW_WHAT = re.compile(r"\bhow (?:long|old|far)\b", re.IGNORECASE)
# Everyday synonyms and spelling variants of one word, mapped to the form articles use. Only
# variants a reader would call the same word (British/American spelling, kid/child): a topic
# that differs in meaning (pay vs. salary) must never look covered.
_CANONICAL = {
    "kid": "child",
    "kids": "child",
    "children": "child",
    # A parent's son or daughter is the child the articles speak of: "my son" asks about a child.
    "son": "child",
    "sons": "child",
    "daughter": "child",
    "daughters": "child",
    "paediatric": "pediatric",
    "paediatrics": "pediatrics",
}
# Chat shorthand, as anyone types it on a phone, written out before a question is matched (unless
# the articles use it too), so the embedding model and word coverage see the word meant. General
# English, not words of any question or article (unit abbreviations that articles spell out, and
# texting forms).
SHORTHAND = {
    "hr": "hour", "hrs": "hours", "wk": "week", "wks": "weeks", "yr": "year", "yrs": "years",
    "mins": "minutes", "thru": "through", "tho": "though", "ppl": "people", "rn": "right now",
    "u": "you", "ur": "your", "r": "are", "bc": "because", "abt": "about", "pls": "please",
    "plz": "please", "govt": "government", "approx": "approximately", "diff": "difference",
    "grad": "graduate", "grads": "graduates", "shud": "should", "wud": "would", "cud": "could",
    "wat": "what", "wut": "what", "cuz": "because", "coz": "because", "b4": "before",
    "rly": "really", "rlly": "really", "btwn": "between", "prolly": "probably", "ppls": "people's",
    "max": "maximum",
}
_STEMMER = Stemmer.Stemmer("english")
# Keys next to each other on a QWERTY keyboard (same row and the rows above and below), for the
# cost of a typing slip: hitting a neighbouring key is a likelier slip than any other letter.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYS = {
    key: {
        other
        for r2, row2 in enumerate(_ROWS)
        if abs(r2 - r) <= 1
        for c2, other in enumerate(row2)
        if other != key and abs((c2 + 0.5 * r2) - (c + 0.5 * r)) <= 1  # rows are staggered
    }
    for r, row in enumerate(_ROWS)
    for c, key in enumerate(row)
}


def slips(typed: str, meant: str) -> float:
    """How many typing slips turn `meant` into `typed`: a dropped letter, a doubled or
    neighbouring key, two letters swapped, a neighbouring key hit instead cost 1; any other
    added or changed letter costs 2 (a noisy-channel weighting of the edit distance).

    Example: slips("shcool", "school") == 1; slips("schlo", "school") == 2; slips("psyche", "psych") == 2
    """
    n, m = len(typed), len(meant)

    def extra(k: int) -> float:  # a letter typed that was not meant
        near = typed[k - 1 : k] + typed[k + 1 : k + 2]
        return 1.0 if any(c == typed[k] or c in _KEYS.get(typed[k], ()) for c in near) else 2.0

    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        d[i][0] = d[i - 1][0] + extra(i - 1)
    for j in range(1, m + 1):
        d[0][j] = float(j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            a, b = typed[i - 1], meant[j - 1]
            change = 0.0 if a == b else 1.0 if b in _KEYS.get(a, ()) else 2.0
            best = min(d[i - 1][j - 1] + change, d[i - 1][j] + extra(i - 1), d[i][j - 1] + 1.0)
            if i > 1 and j > 1 and a == meant[j - 2] and typed[i - 2] == b:
                best = min(best, d[i - 2][j - 2] + 1.0)
            d[i][j] = best
    return d[n][m]


def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a word, after everyday variants are unified.

    Example: "IEPs" -> "iep", "collaborating" -> "collabor", "geriatrics" -> "geriatr"
    """
    word = word.lower().replace("’", "'")
    word = _CANONICAL.get(word, word)
    if word.endswith("'s"):
        word = word[:-2]
    # Acronyms and short words keep their form apart from a plural "s" ("IEPs", "OTs", "SNFs");
    # a word ending "ss", "us" or "is" is no plural ("pass", "less", "plus", "this").
    if len(word) <= 4 and word.endswith("s") and len(word) > 2 and word[-2] not in "siu":
        return word[:-1]
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=65536)
def _stem_cached(word: str) -> str:
    return stem(word)


# A known English word is read as a slip for another only when English uses the other this many
# orders of magnitude more often (Zipf scale, wordfreq). Chosen on dev: 2.0, 1.5, 1.0 and 0 took
# the dev typo probe (three draws of two slips per in-scope question) from 0.852 of clean to 0.875,
# 0.879, 0.883 and 0.891, with clean answers and out-of-scope refusals unchanged; but at 1.0 clean
# dev questions were already rewritten ("what ages do OTs treat" -> "great", "money is tight" ->
# "right"), at 1.5 none was.
REAL_WORD_GAP = 1.5
# A word English uses less often than this alone (Zipf scale) may be a clipping of a longer one.
# Between the clippings and the everyday words that begin longer ones among dev questions' words
# the articles never use: "psych" 3.48, "neuro" 3.06, "geri" and "ortho" 0 below; "temp" 3.75,
# "thumb" 4.01, "dead" 5.19 above.
CLIPPING_ZIPF = 3.5
# English's everyday words (Zipf 5: ten uses per million words or more: "certain", "general",
# "special"), which nobody writes clipped.
EVERYDAY_ZIPF = 5.0
# A word English uses at least this often (Zipf 3: once per million words) is a word, not a slip,
# even when the embedding model's word list lacks it (newer words, inflections: "hype", "covid",
# "chunky"): wordfreq's list at this frequency holds few misspellings, and those few ("teh",
# "alot") are still read as the far commoner word one slip away (`_real_word`).
KNOWN_ZIPF = 3.0


# The US states and DC: where licensure, pay and jobs are set, so the places candidates name most;
# a closed list of proper names, not words of any question. In chat they are often typed in lower
# case ("does texas require ..."), where capitals cannot mark them as names.
US_STATE = re.compile(
    r"\b(?:alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|"
    r"georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|"
    r"massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|"
    r"new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|"
    r"oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|"
    r"vermont|virginia|washington|west virginia|wisconsin|wyoming|district of columbia)\b",
    re.IGNORECASE,
)

# The postal codes of US states, as people write them ("does NJ have a jurisprudence exam?"),
# in capitals only, and not those that are also common words or, in OT and healthcare, other
# things (IN, OR, ME, OK, HI; MS, MA, MD, PA, CT, CO, VA, ID, DE, LA, SC, AL, NE, SD, DC).
STATE_CODES = {
    "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california", "FL": "florida",
    "GA": "georgia", "IL": "illinois", "IA": "iowa", "KS": "kansas", "KY": "kentucky",
    "MI": "michigan", "MN": "minnesota", "MO": "missouri", "MT": "montana", "NV": "nevada",
    "NH": "new hampshire", "NJ": "new jersey", "NM": "new mexico", "NY": "new york",
    "NC": "north carolina", "ND": "north dakota", "OH": "ohio", "RI": "rhode island",
    "TN": "tennessee", "TX": "texas", "UT": "utah", "VT": "vermont", "WA": "washington",
    "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming",
}
STATE_CODE = re.compile(rf"\b(?:{'|'.join(STATE_CODES)})\b")


@lru_cache(maxsize=16384)
def english_frequency(word: str) -> float:
    """How common a word is in English, on the Zipf scale (log10 of uses per billion words; 0 for
    one too rare to list), from wordfreq's word list of the web, books, subtitles and news."""
    from wordfreq import zipf_frequency  # its word list loads on first use (about 0.1 s)

    return float(zipf_frequency(word, "en", wordlist="small"))


# How many words of English a sentence's worth of text holds, for reading a word's frequency in
# English (Zipf) as the share of such spans that use it, the way idf reads the articles'
# sentences. Chosen on dev (scripts/calibrate.py, cross-validated in-scope right and out-of-scope
# refused: without the cap 0.692 and 0.866; 20: 0.694, 0.862; 50: 0.701, 0.870; 100: 0.704,
# 0.866; 200: 0.701, 0.862; 500: 0.699, 0.859).
ENGLISH_SPAN = 50


@lru_cache(maxsize=16384)
def english_idf(word: str) -> float | None:
    """The idf a word would have over spans of English text (`ENGLISH_SPAN` words each): about
    2.5 for "new", 4.0 for "week", 6.0 for "stuck", 9.4 for "neurology"; None for a
    word too rare for wordfreq's list. Rare words weigh more than any corpus idf, so only
    everyday words are capped by it."""
    zipf = english_frequency(word)
    if zipf <= 0:
        return None
    share = -math.expm1(-ENGLISH_SPAN * 10 ** (zipf - 9))  # P(a span uses the word)
    return -math.log(share)


# The stop and question words, which a three-letter slip may stand for.
_COMMON = frozenset(w for w in STOP_WORDS | QUESTION_WORDS if w.isalpha())
_CONTRACTION = re.compile(r"'(s|re|ll|ve|d|m|t)$")


def words_of(text: str) -> list[str]:
    """Lower-case words with contractions and possessives cut off ("what's" -> "what")."""
    return [_CONTRACTION.sub("", w) for w in _TOKEN.findall(text.lower().replace("’", "'"))]


# Stems of the stop words: a form of one typed without its apostrophe ("whats", "kinds") is
# no topic either.
_STOP_STEMS = frozenset(stem(w) for w in STOP_WORDS)


def tokens(text: str) -> list[str]:
    """Content tokens of a text, stemmed, in order.

    Example: "Do school OTs get summers off?" -> ["school", "ot", "summer"]
    """
    return _content_tokens(words_of(text))


# A capital inside a word after a small letter marks a brand or product name ("TherapyEd",
# "WebPT"), however much of it looks like a word the articles use.
_CAMEL_CASE = re.compile(r"[a-z][A-Z]")
# "I'd", "I'm": the asker, not a name.
_SELF = re.compile(r"I['’]")
# A person's name, not a place or an employer: "I'm Sarah", "my son Jake", "hi Dana".
_PERSON_BEFORE = re.compile(
    r"\b(?:i'?m|i am|name is|named|called|this is|hi|hey|hello|dear|thanks|son|daughter|kid|"
    r"child|toddler|baby|student|husband|wife|partner)[\s,]*$",
    re.IGNORECASE,
)
# English derivational suffixes the stemmer leaves on short words ("treatment", "payment").
_DERIVATIONAL = ("ment", "ments", "ion", "ation", "er")
# Stem endings that English alternates between a verb and its noun, which the stemmer keeps
# apart: certify / certification ("certifi", "certif"), extend / extension ("extend",
# "extens"), permit / permission ("permit", "permiss"), refer / referral ("refer", "referr"),
# license / licensure ("licens", "licensur"). Each (ending, other ending) is read both ways.
_ALTERNATIONS = (("ifi", "if"), ("d", "s"), ("t", "ss"), ("", "ur"))


# Small numbers as words: "3 hours" meets "three hours" (articles spell them out, chat does not).
_NUMBER_WORDS = dict(enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split()
))
_ONE = frozenset({"1", "one"})
# "one-on-one", "1 on 1", "1:1": one word for working with one person at a time.
ONE_ON_ONE = "oneonone"


def _content_tokens(words: Iterable[str]) -> list[str]:
    """`tokens` of words already split (`words_of`)."""
    found = []
    words = list(words)
    i = 0
    while i < len(words):
        w, after = words[i], words[i + 1 : i + 3]
        if w in _ONE and len(after) == 2 and after[0] == "on" and after[1] in _ONE:
            found.append(ONE_ON_ONE)  # "1 on 1", "one-on-one"
            i += 3
            continue
        if w == "1" and after[:1] == ["1"]:  # "1:1"
            found.append(ONE_ON_ONE)
            i += 2
            continue
        i += 1
        if w.isdigit() and len(w) <= 2 and int(w) in _NUMBER_WORDS:
            w = _NUMBER_WORDS[int(w)]
        if w in STOP_WORDS or (len(w) <= 1 and not w.isdigit()):  # "r u" shorthand carries nothing
            continue
        stemmed = _stem_cached(w)
        if stemmed not in _STOP_STEMS:
            found.append(stemmed)
    return found


def _same_word(typed: str, other: str) -> bool:
    """Are these two forms of one word: the same beginning of four letters or more, and at most
    three letters of either after it ("schoolers"/"schools", "chunky"/"chunks"; not
    "helper"/"heller")?"""
    shared = len(os.path.commonprefix([typed, other]))
    return typed != other and shared >= 4 and max(len(typed), len(other)) - shared <= 3


def _function_pair(word: str, at: int) -> float:
    """Below any pair the articles write: `word` cut at `at` is two stop words."""
    return 0.5 if word[:at] in STOP_WORDS and word[at:] in STOP_WORDS else 0.0


@dataclass
class WordCounts:
    """What a `Vocabulary` counts in its texts: the texts, the texts each content stem occurs in,
    each word as written and each pair of neighbouring words. Counting is the slow part of
    building one (about 22 s for 100k chunks of real sentences); the rest derives from these."""

    document_count: int = 0
    frequency: Counter[str] = field(default_factory=Counter)
    surface: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def of(cls, texts: Iterable[str]) -> WordCounts:
        counts = cls()
        for text in texts:
            counts.document_count += 1
            words = [sys.intern(w) for w in words_of(text)]  # one copy of each word
            # Neighbours a split can give: two words of letters, the second of three or more.
            counts.pairs.update(
                (a, b) for a, b in zip(words, words[1:], strict=False)
                if len(b) >= 3 and a.isalpha() and b.isalpha()
            )
            counts.surface.update(w for w in words if len(w) >= 3 and w.isalpha())
            counts.frequency.update(set(_content_tokens(words)))
        return counts


class Vocabulary:
    """Document frequencies over a set of texts, for idf weights and spelling correction.

    `english` holds words known to be spelt right (the embedding model's word list): one is
    "corrected" only when it is far rarer than a word one slip away ("dose" for "does"), so
    "Texas" stays Texas and a near miss stays a miss.
    Nor are `abbreviations` (the glossary's: "peds" is not a slip for "pads").
    """

    def __init__(
        self,
        texts: Iterable[str] | WordCounts,
        english: frozenset[str] = frozenset(),
        abbreviations: frozenset[str] = frozenset(),
    ) -> None:
        counts = texts if isinstance(texts, WordCounts) else WordCounts.of(texts)
        self.counts = counts
        self.document_count = counts.document_count
        self.frequency = counts.frequency
        self.surface = counts.surface  # words as written, for correcting a question
        self.pairs = counts.pairs  # words the articles write side by side
        self.english = english
        self.abbreviations = abbreviations
        # Stems too, so a misspelt singular finds a corpus plural ("gaol" -> "goals"); a match on a
        # stem is written as the corpus's commonest word with that stem, never as the bare stem.
        self._alphabetical = sorted(self.surface)  # for the words a clipping begins
        self._written: dict[str, str] = {}
        for word, _ in self.surface.most_common():
            self._written.setdefault(_stem_cached(word), word)
        self._forms = Counter({_stem_cached(w): n for w, n in self.surface.items()}) + self.surface
        # Questions are mostly function words ("what", "does", "only") that an article's sentences
        # may never use; a typo in one ("whhat") must not read as a topic the corpus lacks. The
        # general stop and question word lists are targets too, below any corpus word.
        self._function = {
            w for w in STOP_WORDS | QUESTION_WORDS if len(w) >= 3 and w.isalpha()
        } - set(self._forms)
        self._forms.update(dict.fromkeys(self._function, 0))
        # Long known English words are targets too, below any corpus or function word, for one slip
        # in a long word: a slip in a word the articles never use ("collabroate") is then read as
        # the word meant, by the embedding model as well, instead of as a stranger. Short ones are
        # too dense to guess from ("peds" is one edit from "beds", "evls" from "eels").
        self._dictionary = {
            w for w in english if len(w) >= 6 and w.isalpha() and w.islower()
        } - set(self._forms)
        self._choices = list(self._forms) + sorted(self._dictionary)
        # What a mistyped upper-case word may have meant: the glossary's abbreviations and the
        # corpus's longer words ("nbcot" is written in the articles too).
        self._known_abbreviations = sorted(
            {w for w in abbreviations if len(w) >= 3} | {w for w in self.surface if len(w) >= 4}
        )

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses gets the highest weight."""
        count = self.frequency.get(term, 0)
        return math.log((self.document_count + 1) / (count + 0.5))

    def weight(self, term: str, written: str | None = None) -> float:
        """How much a question's term says about what it asks: its idf, but no more than English
        gives a word that common (`english_idf` of the word as `written`). A few articles are too
        small a sample to know that "new", "week" or "stuck" are everyday words: unused in them,
        each would otherwise weigh as much as "Texas" or "CPRP"."""
        weight = self.idf(term)
        common = english_idf(written) if written else None
        return weight if common is None else min(weight, common)

    def _as_asked(self, text: str) -> str:
        """A question's text as its terms are read from: corrected, "how long" read as "how"."""
        return _HOW_WHAT.sub("how", self.correct_text(text))

    def written_forms(self, text: str) -> dict[str, str]:
        """The question's terms (as `terms` gives them) with a word each stands for as written."""
        forms: dict[str, str] = {}
        for word in words_of(self._as_asked(text)):
            for term in _content_tokens([word]):
                forms.setdefault(self._derived(term), word)
        return forms

    def worded_terms(self, text: str) -> list[tuple[str, frozenset[str]]]:
        """Each word of a question as read (corrected), with the terms (as `terms` gives them) it
        stands for: none for a stop or question word.

        Example: "whats a snf ot" -> [("what", {}), ("a", {}), ("snf", {"snf"}), ("ot", {"ot"})]
        """
        return [
            (word, frozenset(self._derived(t) for t in _content_tokens([word])))
            for word in words_of(self._as_asked(text))
        ]

    def __contains__(self, term: object) -> bool:
        return term in self.frequency

    def correct(self, word: str) -> str:
        """The corpus word a misspelt word most likely means, or the word itself.

        A known English word the corpus never uses is corrected only to a far commoner word one
        slip away (`_real_word`: "dose" -> "does"). Other words that are neither in the corpus
        nor abbreviations are read first as a clipping (`_clipping`: "geri" -> "geriatrics") or as
        two words typed as one (`_split`: "highschool" -> "high school"), else corrected to a
        corpus or question word within one edit (two for words of six letters or more; a swap
        counts as one) or two typing slips (`slips`; one for a three-letter word, and then only
        to a question word or to a corpus word with a dropped letter put back), or to a long
        English word one edit away. The fewest slips win; among equals, a corpus word the corpus
        uses most.
        Example (corpus has "elementary"): "elementry" -> "elementary"; "texas" -> "texas"
        """
        return self._correct(word.lower())

    @lru_cache(maxsize=8192)  # noqa: B019 - one Vocabulary per loaded index, kept for its life
    def _correct(self, word: str) -> str:
        if (
            len(word) < 3
            or not word.isalpha()
            or word in self._forms
            or _stem_cached(word) in self._written
            or word in self.abbreviations
            or word in STOP_WORDS
        ):
            return word
        listed = word in self.english or _stem_cached(word) in self.english  # "hinting": "hint"
        if listed or english_frequency(word) >= KNOWN_ZIPF:
            meant = self._real_word(word)  # a slip first: "hone" is "home"
            if meant != word:
                return meant
            whole = self._clipping(word) or self._split(word)
            if whole or listed:
                return whole or word
            # A word English uses that the model's word list lacks is read as another form of a
            # corpus word ("schoolers": "schools", "qualifies": "qualified"), never as another
            # word ("hype" is not "type", nor "covid" "confidence").
            nearest = self._nearest(word)
            return nearest if _same_word(word, nearest) else word
        # Typed in full, a clipping is no slip: "geri" is "geriatrics", not "very" ("veri").
        return self._clipping(word) or self._split(word) or self._nearest(word)

    def _nearest(self, word: str) -> str:
        """The corpus, function or long English word a word is likeliest a slip for (see
        `correct`), or the word itself."""
        # Any one edit (two in a word of six letters or more); in a shorter word, up to two typing
        # slips ("schlo": school), and one in a word of three letters.
        edits = 1 if len(word) < 6 else 2
        slip_limit = 1.0 if len(word) == 3 else 2.0
        found = []
        for choice, distance, _ in process.extract(
            word, self._choices, scorer=OSA.distance, score_cutoff=2, limit=64
        ):
            cost = slips(word, choice)
            if (
                # An English word only for one slip in a long word: "psych" is no slip for
                # "psyche", nor "coworkers" for "workers".
                (choice not in self._dictionary or (distance <= 1 and len(word) >= 6))
                and (
                    (distance <= edits and len(word) >= 4)
                    or (cost <= slip_limit and abs(len(choice) - len(word)) <= 1)
                )
                # A three-letter word is read as a common word with a slip ("wht": what) or as
                # a corpus word with one letter dropped ("lng": long), never as a topic farther
                # away ("pto" is no slip for "pros").
                and (
                    len(word) > 3
                    or choice in _COMMON
                    or (len(choice) == 4 and cost <= 1 and choice in self.surface)
                )
            ):
                found.append((choice, cost))
        if not found:
            return word
        # Fewest slips first, then a corpus word (the commonest), a function word, an English word.
        best = str(min(found, key=lambda f: (f[1], -self._forms.get(f[0], -1), f[0]))[0])
        if best in self.surface or best in self._function or best in self._dictionary:
            return best
        return self._written.get(best, best)

    def _clipping(self, word: str) -> str:
        """The corpus word a clipped one stands for ("geri": "geriatrics", "neuro": "neurology",
        "cert": "certification", "psych": "psychiatric"): the corpus words it begins, everyday
        words aside, when they are one word's forms, or else the word that more than half of
        their uses are forms of; "" when none is. Only for a word English rarely uses alone
        (below CLIPPING_ZIPF): an everyday word that merely begins another ("dead", "deadline")
        is no clipping."""
        if len(word) < 4 or english_frequency(word) >= CLIPPING_ZIPF:
            return ""
        longer = self._cut_from(word)
        # An everyday word that merely begins the same ("certain" beside "certification") is
        # not what a clipping stands for: people clip the long, rarer words of a trade.
        longer = [w for w in longer if english_frequency(w) < EVERYDAY_ZIPF] or longer
        if not longer:
            return ""
        if len({_stem_cached(w) for w in longer}) > 1:
            # One word's forms begin alike two letters past the clipping ("certif-": certified,
            # certification); the one the corpus means by it most of the time wins ("psychiatr-":
            # 11 of the 19 uses of "psych-" words in the articles, beside "psychosocial" and
            # "psychology"), and none when no word has most of the uses.
            forms: dict[str, list[str]] = {}
            for w in longer:
                forms.setdefault(w[: len(word) + 2], []).append(w)
            uses = {key: sum(self.surface[w] for w in group) for key, group in forms.items()}
            most = max(uses, key=lambda key: (uses[key], key))
            if uses[most] * 2 <= sum(uses.values()):
                return ""
            longer = forms[most]
        return max(longer, key=lambda w: (self.surface[w], w))

    def _split(self, word: str) -> str:
        """Two words typed without their space ("highschool": "high school", "fulltime"), when the
        articles write them side by side; "" otherwise. A word English knows is split only when
        English uses the pair 10**REAL_WORD_GAP times as often, the same noisy channel as
        `_real_word` ("alot" is split, "maybe" and "within" are not). Two function words are a
        pair whether or not the articles write them ("alot": "a lot", "aswell": "as well")."""
        found = [
            (count, word[:i], word[i:])
            for i in range(1, len(word) - 2)
            if (count := self.pairs.get((word[:i], word[i:]), 0) or _function_pair(word, i))
        ]
        if not found:
            return ""
        _, first, second = max(found)
        joined = f"{first} {second}"
        own = english_frequency(word)
        if own > 0 and english_frequency(joined) - own < REAL_WORD_GAP:
            return ""
        return joined

    def _real_word(self, word: str) -> str:
        """A known English word the articles never use, read as one typing slip from a corpus or
        function word that English uses at least 10**REAL_WORD_GAP times as often ("dose" ->
        "does", "thong" -> "thing"), or kept ("pace" stays: "place" is not common enough beside it).
        A noisy channel: a rare word one slip from a far commoner one was most likely that one
        mistyped. Among several, the corpus's commonest wins. A word of three letters (or its
        plural) that begins a longer corpus word is that word cut short, and kept ("vet" where
        the articles write "veterans" is no slip for "get")."""
        base = word[:-1] if len(word) == 4 and word.endswith("s") else word
        if len(base) == 3 and self._cut_from(base):
            return word
        own = english_frequency(word)
        found = []
        for choice, _, _ in process.extract(
            word, self._choices, scorer=OSA.distance, score_cutoff=1, limit=None
        ):
            if (
                (choice in self.surface or choice in self._function)
                and (len(word) > 3 or choice in _COMMON or len(choice) == 4)
                and slips(word, choice) <= 1
            ):
                common = english_frequency(choice)
                if common - own >= REAL_WORD_GAP:
                    found.append((self._forms.get(choice, 0), common, choice))
        return max(found)[2] if found else word

    def _cut_from(self, word: str) -> list[str]:
        """The corpus words `word` could be cut from: those it begins that are three letters or
        more longer ("hone" is no clipping of "honest", but "home" with a slip; "vet" is of
        "veterans")."""
        start = bisect.bisect_left(self._alphabetical, word)
        begun = itertools.takewhile(
            lambda w: w.startswith(word), itertools.islice(self._alphabetical, start, None)
        )
        return [w for w in begun if len(w) >= len(word) + 3]

    def _abbreviation(self, word: str) -> str:
        """An upper-case word of four letters or more that neither the articles nor the glossary
        know, read as one typing slip in one they do ("ISFP": "IFSP"); any other as typed. A
        shorter one ("PTO", "AOA") is as likely an abbreviation of its own as a slip."""
        stem = word[:-1] if word.endswith("s") and len(word) > 2 else word
        lower = stem.lower()
        if len(stem) < 4 or lower in self._forms or lower in self.abbreviations:
            return word
        found = [
            w for w, _, _ in process.extract(
                lower, self._known_abbreviations, scorer=OSA.distance, score_cutoff=1, limit=None
            )
            if slips(lower, w) <= 1
        ]
        if len(found) != 1:  # none, or no telling which
            return word
        return found[0].upper() + word[len(stem):]

    def correct_text(self, text: str) -> str:
        """`text` with each misspelt word replaced by its correction, everything else kept.

        Example: "can i specalize in neuro?" -> "can i specialize in neuro?"; chat shorthand is
        written out: "how many hrs r u paid" -> "how many hours are you paid"
        """

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            if len(word) > 1 and word.rstrip("s").isupper():  # "PTO", "OTs": no slip, unless
                return self._abbreviation(word)  # one of a long known one ("NBCOOT": "NBCOT")
            if word.lower() in SHORTHAND and word.lower() not in self.surface:
                return SHORTHAND[word.lower()]  # unless the articles write it so ("new grad")
            fixed = self._correct(word.lower())
            return word if fixed == word.lower() else fixed

        return re.sub(r"\b[A-Za-z]\d\b|[A-Za-z]+", fix, text)  # "b4" is one word

    def unmentioned(self, text: str) -> tuple[str, ...]:
        """The names in a question that the articles never use: a run of capitalised words
        ("Mayo Clinic", "Texas") with a word the corpus does not know, not counting a word that
        opens a sentence or one in capitals ("OT", "NBCOT"); and a US state however it is typed
        ("does texas require ...", "does NJ ..."), unless the articles name it."""
        names: list[tuple[int, str]] = [
            (found.start(), found.group(0).title())
            for found in US_STATE.finditer(text)
            if not all(w in self.surface for w in found.group(0).lower().split())
        ]
        names += [
            (found.start(), found.group(0))
            for found in STATE_CODE.finditer(text)
            if not all(w in self.surface for w in STATE_CODES[found.group(0)].split())
        ]
        run: list[re.Match[str]] = []

        def known(word: str) -> bool:  # "Year-round": each part of a compound
            if _CAMEL_CASE.search(word):  # a product's name ("TherapyEd", "WebPT"): as written
                return word.lower() in self.surface
            return all(
                not w or w in STOP_WORDS or w in self.surface or _stem_cached(w) in self._written
                or w in self.abbreviations
                for w in word.lower().split("-")
            )

        def close() -> None:
            if run and not all(known(m.group(0)) for m in run):
                names.append((run[0].start(), " ".join(m.group(0) for m in run)))
            run.clear()

        for match in re.finditer(r"[A-Za-z][A-Za-z'’&-]*", text):
            word, before = match.group(0), text[max(0, match.start() - 40) : match.start()]
            opening = not before.strip() or before.rstrip()[-1] in ".?!:|"
            if (
                word[0].isupper()
                and not word.rstrip("s").isupper()
                and not _SELF.match(word)
                and not opening
                and not _PERSON_BEFORE.search(before)
            ):
                run.append(match)
            else:
                close()
        close()
        return tuple(dict.fromkeys(name for _, name in sorted(names)))

    def terms(self, text: str) -> list[str]:
        """Distinct content tokens of a question, misspellings corrected against the corpus."""
        words = [w for w in words_of(self._as_asked(text)) if w not in QUESTION_WORDS]
        return list(dict.fromkeys(self._derived(t) for t in tokens(" ".join(words))))

    def _derived(self, term: str) -> str:
        """A term the corpus never uses, as the corpus word it is the base of ("treat":
        "treatment", "pay": "payment"), when the corpus has one with a derivational suffix (the
        stemmer keeps the suffix on a short word); the commonest such word."""
        if term in self.frequency:
            return term
        found = self.relatives(term)
        return max(found, key=lambda t: self.frequency[t]) if found else term

    def relatives(self, term: str) -> list[str]:
        """The corpus stems a stem is a derivational relative of ("extend": "extens")."""
        if len(term) < 3:
            return []
        forms = [term + suffix for suffix in _DERIVATIONAL]
        for one, other in _ALTERNATIONS:
            for a, b in ((one, other), (other, one)):
                if term.endswith(a) and len(term) - len(a) >= 3:
                    forms.append(term[: len(term) - len(a)] + b)
        if len(term) >= 4 and term[-1] not in "aeiouy":
            forms.append(term + term[-1])  # a doubled final consonant: "refer", "referr"
        return [t for t in dict.fromkeys(forms) if t in self.frequency and t != term]
