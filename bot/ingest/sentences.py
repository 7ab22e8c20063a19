"""Split prose into sentences that stay verbatim substrings of the text they came from."""

import re

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before whitespace
# and a capital letter, digit or opening quote.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)\]]?\s+(?=[A-Z0-9\"“‘(])")
# Abbreviations whose full stop does not end a sentence ("School vs. Clinic" is one heading).
ABBREVIATIONS = ("vs.", "e.g.", "i.e.", "etc.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "U.S.", "No.")
_ABBREVIATION = re.compile(
    r"\b(?:" + "|".join(re.escape(a) for a in ABBREVIATIONS) + ")", re.IGNORECASE
)


def without_abbreviations(text: str) -> str:
    """The text with every abbreviation's full stop taken out ("vs." -> "vs")."""
    return _ABBREVIATION.sub(lambda m: m.group(0)[:-1], text)


def split_sentences(text: str) -> list[str]:
    """Split `text` into sentences; each returned sentence is a substring of `text`.

    Example: "OT helps. It works, e.g. in schools. Yes!" -> ["OT helps.", "It works, e.g. in schools.", "Yes!"]
    """
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].rstrip()
        if candidate.endswith(ABBREVIATIONS):
            continue
        end = match.start()
        # Keep a closing quote or bracket with its sentence.
        while end < match.end() and not text[end].isspace():
            end += 1
        sentences.append(text[start:end].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]
