"""Words as the lexical side of retrieval sees them: lower-cased, stop words out, lightly stemmed.

Acronyms survive ("IEPs" -> "iep"), and a few spelling variants of the same domain word meet
("kids"/"children"/"child" -> "child"), so BM25 and the answerability check find them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

STOP_WORDS = frozenset(
    """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself
    yourselves im i'm it's you're don doesn didn isn aren wasn weren won wouldn shouldn couldn let lets get gets got
    tell know want wanted like please thanks thank hi hello hey okay ok kind sort really
    much many may might must shall us one ones thing things something anything way ways lot
    lots go going without within across among via upon onto toward towards around else
    """.split()
)
# Words that shape a question rather than name its topic: left out when judging whether the
# articles cover what was asked.
QUESTION_WORDS = frozenset(
    """
    ask asks asked compare compared comparing comparison differ differs difference
    differences different vs versus check explain describe mean means meaning stand stands
    define definition want wants need needs think say says said talk talking info
    information question questions tell told help example examples typical usually generally
    general per new grad grads candidate candidates whether come comes wondering wonder
    curious asking draft reply someone good bad better best great right easier harder easy hard
    nice worth
    """.split()
)
# Variants of one domain word, mapped to one form. Spelling variants and plain synonyms only:
# nothing that would make an uncovered topic (pay vs. salary) look covered.
_CANONICAL = {
    "kids": "child",
    "kid": "child",
    "children": "child",
    "childrens": "child",
    "child's": "child",
    "paediatric": "pediatric",
    "paediatrics": "pediatric",
    "pediatrics": "pediatric",
    "peds": "pediatric",
    "clinics": "clinic",
    "clinical": "clinic",
    "ot": "ot",
    "ots": "ot",
    "therapist": "therapist",
    "therapists": "therapist",
    "occupational": "occupational",
    "seniors": "senior",
    "elderly": "senior",
    "geriatric": "geriatrics",
    "summers": "summer",
    "holidays": "holiday",
    "hospitals": "hospital",
    "advantages": "advantage",
    "pros": "advantage",
    "perks": "advantage",
    "upsides": "advantage",
    "older": "senior",
    "elder": "senior",
    "switch": "transition",
    "switching": "transition",
    "transitioning": "transition",
    "transitions": "transition",
    "move": "transition",
}


def stem(word: str) -> str:
    """A light stemmer: enough for plurals and simple verb forms.

    Example: "IEPs" -> "iep", "collaborating" -> "collaborat", "therapies" -> "therapy"
    """
    word = word.lower().replace("’", "'")
    if word in _CANONICAL:
        return _CANONICAL[word]
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def _stem_cached(word: str) -> str:
    return stem(word)


_CONTRACTION = re.compile(r"'(s|re|ll|ve|d|m|t)$")


def words_of(text: str) -> list[str]:
    """Lower-case words with contractions and possessives cut off ("what's" -> "what")."""
    return [_CONTRACTION.sub("", w) for w in _TOKEN.findall(text.lower().replace("’", "'"))]


def tokens(text: str) -> list[str]:
    """Content tokens of a text, stemmed, in order.

    Example: "Do school OTs get summers off?" -> ["school", "ot", "summer"]
    """
    return [
        _stem_cached(w)
        for w in words_of(text)
        if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())  # "r u" shorthand carries nothing
    ]


class Vocabulary:
    """Document frequencies over a set of texts, for idf weights of question terms."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.document_count = 0
        self.frequency: Counter[str] = Counter()
        for text in texts:
            self.document_count += 1
            self.frequency.update(set(tokens(text)))

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses gets the highest weight."""
        count = self.frequency.get(term, 0)
        return math.log((self.document_count + 1) / (count + 0.5))

    def __contains__(self, term: object) -> bool:
        return term in self.frequency

    def correct(self, term: str) -> str:
        """The corpus word a misspelt term most likely means, or the term itself.

        Example (corpus has "goal" and "school"): "gaol" -> "goal", "schol" -> "school"
        """
        if term in self.frequency or len(term) < 4 or term.isdigit():
            return term
        limit = 1 if len(term) < 8 else 2
        best: tuple[int, int, str] | None = None
        for known, count in self.frequency.items():
            if abs(len(known) - len(term)) > limit or len(known) < 4:
                continue
            distance = edit_distance(term, known, limit)
            if distance <= limit and (best is None or (distance, -count) < best[:2]):
                best = (distance, -count, known)
        return best[2] if best else term

    def terms(self, text: str) -> list[str]:
        """Distinct content tokens of a question, misspellings corrected against the corpus."""
        words = [w for w in words_of(text) if w not in QUESTION_WORDS]
        return list(dict.fromkeys(self.correct(t) for t in tokens(" ".join(words))))


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a swap of two neighbours costs 1), capped at limit + 1.

    Example: edit_distance("gaol", "goal") -> 1
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
