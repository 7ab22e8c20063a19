"""Turn a follow-up ("and in clinics?") into a standalone question, using the conversation.

Only follow-ups are rewritten; a self-contained question is returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.answer.lexical import QUESTION_WORDS, tokens, words_of
from bot.ingest.tagging import (
    SIDES,
    named_setting,
    other_side,
    practice_settings,
    setting_as_said,
    settings_named,
    strip_setting,
    swap_setting,
)

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: Role
    content: str


def history_from(items: object) -> list[Turn]:
    """A conversation from its JSON form, a list of {"role": "user"|"assistant", "content": ...};
    raises ValueError saying what the form must be."""
    if items is None:
        return []
    if not isinstance(items, list) or not all(
        isinstance(t, dict)
        and t.get("role") in ("user", "assistant")
        and isinstance(t.get("content"), str)
        for t in items
    ):
        raise ValueError('"history" must be a list of {"role": "user"|"assistant", "content": "..."}')
    return [Turn(t["role"], t["content"]) for t in items]


# How a message that goes on from the last one opens in English ("and in clinics?", "what about
# PRN?", "same for travel?"): conjunctions and the set phrases of a follow-up, not words of any
# question.
_LEAD = re.compile(
    r"^\s*(and|but|also|so|ok(ay)?|then|what about|how about|what of|and what about|and how about|"
    r"same (question )?for|is that (also )?true for|is it the same (for|in))\b[\s,]*",
    re.IGNORECASE,
)
# Leads that as often open a new question as go on with the last one.
_OPENERS = frozenset({"ok", "okay"})
_ANAPHORA = re.compile(
    r"\b(those|these|them|they|which of|that one|this one|which one|either one|either of|"
    r"the (first|second|third|last) one|there)\b",
    re.IGNORECASE,
)
# A question that ends on a pronoun object points back: "... as part of it?", "what's the
# hardest part of that?", "how much paperwork is involved in that?", "... for that to kick in?".
_POINTING_END = re.compile(
    r"\b(?:of|about|in|for|with|from|on|to|into|like|during|after|before|through|throughout|"
    r"without|at|over|under)\s+(?:it|that|this|them|those)(?:\s+to\s+[a-z]+(?:\s+[a-z]+)?)?\W*$",
    re.IGNORECASE,
)
_OTHER = re.compile(r"\bthe other (one|setting|side|option|path|kind|type|route)s?\b", re.IGNORECASE)
# Asking to choose between what was discussed: "which one", "which is better", "either".
_CHOICE = re.compile(
    r"\b(which one|which (is|has|pays|offers|gives|would|should|of (the|them|those|these)|setting)|"
    r"either|compare|comparison|difference|better|worse|versus|vs)\b",
    re.IGNORECASE,
)
# ("the same as a SNF" names what it compares with: no pointing back.)
_WEAK_ANAPHORA = re.compile(r"\b(it|that|this|the same(?! as\b))\b", re.IGNORECASE)
# "one of those", "that one": a pronoun "one" with a demonstrative points back however long the
# question around it ("how long does one of those usually take? she gets tired fast").
_ONE_OF_THOSE = re.compile(
    r"\b(?:one|any|each|some|all|either|neither|both) of (?:those|these|them)\b|\b(?:that|this) one\b"
    # "the aota one", "the online ones": one of those just spoken of, told apart by a word
    # ("the only one", "the one ..." are no pointing back).
    r"|\bthe (?!only\b|same\b)[a-z]+ ones?\b(?!\s+(?:who|that|which|where)\b)",
    re.IGNORECASE,
)


# Who is asking and why, around the question itself: "recruiter here:", "drafting a reply to a
# candidate - she wants to know if ...", "parent question:", "what should I tell her?". These are
# the ways any asker frames a question, not topics, so they are cut before matching.
_ASKER = (
    r"(?:recruiter|parent|mom|dad|candidate|applicant|client|student|new grad(?:uate)?|teacher|"
    r"caregiver|family member|therapist|ot|cota|ota)s?"
)
_FRAME_PREFIX = re.compile(
    # (not a comparison: "school based vs clinic ot - what ages ...?" names the question's subject;
    # nor a question itself: "how are primary care OT jobs funded - i never see postings")
    rf"^(?:(?:hi|hey|hello)\b[\s,!.]*)?(?!\W*(?:what|whats|how|hows|why|when|where|which|whos|"
    r"is|are|do|does|did)\b)"
    rf"(?:(?:(?!\bvs\b|\bversus\b)[^:\-–—?]){{0,90}}?\b(?:{_ASKER}|"
    r"draft\w*|repl\w*|writ\w*|"
    r"respond\w*|ask\w*|question|tone)\b[^:\-–—?]{0,40}?)\s*(?::|\s[-–—]+\s)\s*"
    rf"|^(?:(?:hi|hey|hello)\b[\s,!.]*)?(?:a |the )?{_ASKER} here\b[\s,.;:!]*",
    re.IGNORECASE,
)
# A message announcing a question of its own: "ok last q, ...", "one more question -",
# "different question:", "another thing,". What follows asks afresh, whatever it says.
_NEW_QUESTION = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|also|alright|oh|hey|hi)\b[\s,!.]*)*(?:one\s+|a\s+)?"
    r"(?:last|more|other|another|quick|new|different|final|unrelated|random|separate)\s+"
    r"(?:q|qs|question|questions|thing)\b[\s,:;.!?–—-]*",
    re.IGNORECASE,
)
_FRAME_VERB = re.compile(
    rf"^(?:(?:so|and|but)\s+)?(?:(?:the|a|my|our|this|one)\s+)?(?:{_ASKER}|she|he|they|someone)"
    # a short description of the asker may come between ("candidate in a rural area asks")
    r"(?:(?<=[a-z]{3})\b(?P<about>[^?.!:]{1,60}?)\s(?:and\s(?:is\s|was\s)?)?)??"
    r"(?:'s| is| was)?\s*(?:asks?|asked|asking|wants to know|would like to know|wonders|"
    r"wondering|needs to know|is curious)\b(?:\s+(?:about|if|whether))?[\s,:]*",
    re.IGNORECASE,
)
# A request to word a reply: "draft a reply to a candidate who wants to know ...", "help me
# answer a parent asking whether ...", "I need to reply to a candidate asking about ...".
_FRAME_REQUEST = re.compile(
    r"^(?:(?:please|pls|can you|could you|help me|i need to|i have to|i want to|i'?m trying to)"
    r"\s+)*(?:draft|write|compose|prepare|answer|reply|respond)\w*"
    r"(?:\s+(?:a|an|my|the|this))?(?:\s+(?:quick|short))?"
    r"(?:\s+(?:reply|response|answer|email|message|note|text|something))?(?:\s+(?:to|for))?\s+"
    rf"(?:(?:a|an|the|my|this|our|one)\s+)?{_ASKER}\b(?:\s+(?:who|that))?(?:\s+(?:is|was))?\s+"
    r"(?:asks?|asking|asked|wants to know|wanting to know|would like to know|wonders|wondering)"
    r"\b(?:\s+(?:about|if|whether))?[\s,:]*",
    re.IGNORECASE,
)
# A request to word a reply for someone, whatever follows: "draft a note for a candidate who
# wants to get into pediatric clinic work, what does she need" (who is asking stays).
_FRAME_DRAFT = re.compile(
    r"^(?:(?:please|pls|can you|could you|can u)\s+)*(?:draft|write|compose|prepare)\s+"
    r"(?:(?:a|an|me a|me an)\s+)?(?:(?:quick|short|brief)\s+)?"
    r"(?:note|reply|response|email|message|text|something)\s+(?:to|for)\s+(?=\w)",
    re.IGNORECASE,
)
# A request to pass the answer on: "can you tell the candidate what school OT goals look like",
# "explain to a parent how IEPs work" (the question word stays).
_FRAME_TELL = re.compile(
    r"^(?:(?:hi|hey|hello)\b[\s,!.]*)?(?:(?:please|pls|can you|could you|can u|help me)\s+)*"
    rf"(?:tell|explain to|let)\s+(?:(?:a|an|the|my|this|our)\s+)?{_ASKER}\s+(?:know\s+)?"
    r"(?=(?:what|how|why|which|who|when|where|whether|if|about)\b)(?:(?:whether|if|about)\s+)?",
    re.IGNORECASE,
)
# Doubt about a claim, around the claim itself: "is it true that school OTs get summers off?",
# "i heard clinics pay more", "do school OTs get summers off or is that a myth?", "..., right?".
# Any claim can be checked so; the claim is what to match.
_DOUBT_PREFIX = re.compile(
    r"^(?:(?:so|and|but|also|hey|hi)[\s,]+)?(?:is it (?:really |actually )?true(?: or false)?|is it a myth|"
    r"(?:i(?:'ve| have)?|ive) (?:always |once )?heard|(?:someone|people|they) (?:told me|say|said))"
    r"(?:\s+that)?\b[\s,:]*",
    re.IGNORECASE,
)
_DOUBT_SUFFIX = re.compile(
    r"[\s,;]*(?:(?:or|,) (?:is (?:that|this|it)|are they) (?:just |only |all |actually )?"
    r"(?:a myth|myths|a rumou?r|rumou?rs|true|a stereotype)|or not|,\s*right|is (?:that|this|it) "
    r"(?:true|right|a myth)|true or false)\s*(?=[?.!]*\s*$)",
    re.IGNORECASE,
)
# The words that describe a reply's length or tone ("a short, friendly reply", "keep it formal").
_REPLY_MANNER = (
    r"(?:quick|short|brief|concise|simple|clear|friendly|warm|kind|nice|polite|formal|casual|"
    r"professional|encouraging|upbeat|positive)"
)
# A request for the reply itself, after the question: "... what should I tell her?", "Can you
# draft something I can send her?", "need a quick reply", "add that".
_FRAME_SUFFIX = re.compile(
    # (not how to answer an interview's question: "how do i answer the 'biggest weakness' question")
    r"[\s.,;:!-]*(?:(?:what|how) (?:should|do|can|would) (?:i|we) (?:say|tell|"
    r"answer(?!\s+(?:the|a|an)\s+[^?]*\bquestions?\b)|reply|respond)"
    r"|(?:(?:can|could|would) (?:you|u) (?:please |pls )?|please |pls )(?:draft|write|prepare"
    r"|compose|put together|give me|help me (?:draft|write|reply|answer|respond))\b"
    r"(?:\s+(?:me|her|him|them))?"
    r"\s+(?:a|an|something|some|the|my|this|that|it)\b)[^?]*\?*\s*$"
    # after a comma or a full stop: "..., need a quick reply", "..., add that"
    r"|[\s]*[.,;:!-]\s*(?:(?:i )?need (?:a |to send (?:a |her |him |them )?)?(?:quick |short )?"
    r"(?:reply|response|answer|draft|note|email|message)\b"
    r"|(?:please )?(?:add|include) (?:that|this|it)\b)[^?]*\?*\s*$",
    re.IGNORECASE,
)


# A request for a reply that says what it is to be about: "Can you draft a reply about what
# help she'd get?", "could you write her a note explaining how the IEP works?". What follows
# "about" is the question; the request goes.
_FRAME_ABOUT = re.compile(
    r"[\s.,;:!-]*(?:(?:can|could|would) (?:you|u) (?:please |pls )?|please |pls )?"
    r"(?:draft|write|prepare|compose|put together)\b(?:\s+(?:me|her|him|them))?"
    rf"(?:\s+(?:a|an|something|some|the|my))?(?:\s+{_REPLY_MANNER},?)*"
    r"(?:\s+(?:reply|response|answer|note|email|message|text|something))?"
    r"\s+(?:about|on|explaining|telling (?:her|him|them))\s+"
    r"(?P<question>(?:what|how|why|which|who|when|where|whether|if)\b[^?]*)\?*\s*$",
    re.IGNORECASE,
)


# A word on the reply's length or form, after the question: "... vs school? keep it short",
# "..., quick draft", "... hire OTs. draft pls", "... draft reply" (the length is read apart,
# `asks_for_brevity`).
_FRAME_FORM = re.compile(
    rf"(?<=[.,;:!?])\s*(?:(?:please|pls|and|just)\s+)?(?:keep it {_REPLY_MANNER}"
    rf"(?:,?\s+(?:and\s+)?{_REPLY_MANNER})*"
    rf"|(?:a\s+)?(?:{_REPLY_MANNER},?\s+(?:and\s+)?)+(?:reply|answer|response|draft|version|note|one)"
    rf"|draft(?:\s+(?:a|me|something|it|one))?(?:\s+(?:{_REPLY_MANNER},?\s+(?:and\s+)?)*"
    r"(?:reply|response|answer|email|message))?)"
    r"(?:\s+(?:please|pls|plz|thanks|thx))?[\s.!]*$",
    re.IGNORECASE,
)
# After the question, a note on who asked or what the reply is for: "is school OT covered by
# IDEA? candidate confused", "why is demand growing? want to mention it in an outreach email"
# (a second question after the first is no note: "like what would a geri OT work on").
_FRAME_AFTER = re.compile(
    r"(?<=\?)(?![^?]*\b(?:what|how|why|which|who|when|where)\b)[^?]{0,80}?\b(?:candidate|applicant|"
    r"client|recruiter|draft\w*|repl(?:y|ies|ying)|email\w*|message\w*|outreach|mention\w*|"
    r"post\w*)s?\b[^?]{0,80}$",
    re.IGNORECASE,
)
# Whom the reply is for, at the end: "compare schedules ... for a candidate who has kids" (not
# "a good fit for a new grad?", where the asker is what the question is about).
_FRAME_FOR = re.compile(
    r"[\s,]+for (?:a|an|the|my|this|our|one) (?:candidate|applicant|client)s?\b"
    r"(?:\s+(?:who|that)\b[^?,;]*)?(?=\??\s*$)",
    re.IGNORECASE,
)

# A letter's close after the question: "... in Denver?\n\nThanks, Jess", "... ? thanks so much!",
# "Best,\nJess". English letter-writing (as `_SIGN_OFF` below), asking nothing; "best" closes only
# with a comma, a line break or its "regards" ("Best settings for me?" asks).
_SIGNED = re.compile(
    r"(?<=[.!?\n])\s*(?:(?:many )?thanks|thank (?:you|u)|thx|ty|cheers|regards|kind regards|"
    r"best(?: regards| wishes)?(?=\s*(?:[,!\n]|$))|all the best|sincerely|warmly|talk soon|"
    r"sent from)\b[^?]{0,40}$",
    re.IGNORECASE,
)


# A request for a short reply, anywhere in the message: "..., need a quick reply", "briefly,
# ...", "in one sentence", "tl;dr".
_BRIEF = re.compile(
    r"\b(?:quick|short|brief)\s+(?:reply|answer|response|note|version|summary|draft|message|"
    r"email|text)\b|\bbriefly\b|\bin (?:a|one) (?:sentence|line)\b|\btl;?dr\b|"
    r"\bkeep it (?:short|brief)\b",
    re.IGNORECASE,
)


def asks_for_brevity(message: str) -> bool:
    """Does the message ask for a short reply ("need a quick reply", "in one sentence")?"""
    return bool(_BRIEF.search(message))


def unsigned(message: str) -> str:
    """The message without a letter's greeting and close, which ask nothing and name only the
    people writing ("Hi Sam,\n\n... in Denver?\n\nBest,\nJenna" -> "... in Denver?")."""
    text = message.strip()
    signed = _SIGNED.search(text)
    if signed and signed.start() > 0 and len(signed.group().split()) <= 6:
        text = text[: signed.start()].strip()
    greeted = _SALUTATION.match(text)
    if greeted and text[greeted.end() :].strip():
        text = text[greeted.end() :].strip()
    return text


def strip_framing(question: str) -> str:
    """The question without the asker's framing; unchanged when nothing is framing.

    Example: "recruiter here: candidate asks whether school OTs get summers off. what should i
    tell her?" -> "whether school OTs get summers off."
    """
    text = unsigned(question)
    for _ in range(2):  # "recruiter here: candidate asks ..." has two layers
        cut = _FRAME_TELL.sub("", _FRAME_REQUEST.sub("", text, count=1), count=1)
        cut = _FRAME_DRAFT.sub("", cut, count=1)
        cut = _FRAME_PREFIX.sub("", _NEW_QUESTION.sub("", cut, count=1), count=1)
        # The asker and the verb go; a description of the asker stays ("is a COTA").
        cut = _FRAME_VERB.sub(lambda m: f"{(m.group('about') or '').strip()} ".lstrip(), cut, count=1)
        if cut == text:
            break
        text = cut
    text = _FRAME_ABOUT.sub(lambda m: f". {m.group('question').strip()}?", text, count=1).lstrip(". ")
    text = _FRAME_FORM.sub("", _FRAME_SUFFIX.sub("", text)).rstrip(",;: ")
    text = _FRAME_FOR.sub("", _FRAME_AFTER.sub("", text)).strip()
    text = _DOUBT_SUFFIX.sub("", _DOUBT_PREFIX.sub("", text, count=1)).strip()
    return text if len(tokens(text)) >= 1 else question.strip()


def _topic(text: str) -> list[str]:
    """The content tokens of a text without the words that only shape a question."""
    return tokens(" ".join(w for w in words_of(text) if w not in QUESTION_WORDS))


# A parent (or relative) speaking of their own child: "my son", "our daughter's IEP".
_OWN_CHILD = re.compile(
    r"\b(?:my|our)\s+(?:\d+\s*(?:yo|(?:years?|yrs?|months?)[- ]old)\s+)?(?:son|daughter|child|children|kid|kids|"
    r"toddler|baby|infant|newborn|twins|triplets|little (?:one|boy|girl)|youngest|oldest|grandson|"
    r"granddaughter|grandchild|stepson|stepdaughter)(?:'?s)?\b"
    r"|\b(?:my|our)\s+\d+\s*(?:yo|y/o|y\.o\.|(?:years?|yrs?|months?|mos?)[- ]?old)\b"  # "my 4yo"
    # or who says they are one: "i'm a parent", "as a mom", "parent here"
    r"|\b(?:i'?m|i am|as)\s+an?\s+(?:parent|mom|mum|mother|dad|father|guardian|foster parent)\b"
    r"|\b(?:parent|mom|mum|dad)\s+here\b"
    # or speaks of a child's own school services: "will his school OT change?", "her IEP"
    r"|\b(?:his|her)\s+(?:school\s+ot|ot\s+sessions?|iep|ifsp|504(?:\s+plan)?|teacher|"
    r"classroom|kindergarten|preschool)\b",
    re.IGNORECASE,
)


# A relative's own education or career in therapy ("my daughter is finishing her OT program",
# "my son wants to become a COTA"): the grown child is the one choosing a career, not a child
# receiving services, and a recruiter, not the child's own team, is who can help.
_RELATIVES_CAREER = re.compile(
    r"\b(?:(?:ot|ota|cota|occupational therapy|pt|nursing)\s+(?:program|school|degree|"
    r"students?|major|classes|job|jobs|career|license|exam|boards)|grad(?:uate)? school|"
    r"fieldwork|nbcot|board exam|licensure|job offers?|(?:his|her|their) career|"
    r"become an? (?:ot|ota|cota|occupational therapist|occupational therapy assistant)|"
    r"work (?:in|as an?) (?:ot|occupational therap\w*|cota|ota)|"
    r"(?:ot|occupational therapy|cota|ota) (?:assistant )?(?:grad|graduate)\b)",
    re.IGNORECASE,
)


# The asker speaks of their own work in therapy: "I am an OT myself", "im a cota", "six years in
# skilled nursing", "my caseload". Children they mention ("my kids start school next year") are
# then the context of a career question, not a child's services asked about.
_OWN_PRACTICE = re.compile(
    r"\b(?:i'?m|i am|im)\s+(?:an?\s+)?(?:(?:new|school|peds|pediatric|experienced|licensed|travel|"
    r"practicing|certified)\s+)?(?:ot|ota|cota|occupational therapist|occupational therapy "
    r"assistant)\b(?!\s+(?:students?|program|school|major)\b)"
    r"|\bmy (?:caseload|productivity|dor|rehab director|clinical supervisor|employer)\b"
    r"|\b(?:years?|yrs?)\s+(?:as an? (?:ot|cota|ota|occupational therapist|therapist)|"
    r"(?:working )?in (?:skilled nursing|an? snf|snfs|acute care|outpatient|inpatient|home health|"
    r"a hospital|hospitals|school-based|school based|pediatrics|peds))\b",
    re.IGNORECASE,
)


def about_own_child(question: str, history: list[Turn] | None = None) -> bool:
    """Does a parent ask this, about their own child (here or earlier in the conversation)? Not
    when the child is the one studying or working in therapy (`_RELATIVES_CAREER`), nor when the
    asker says here that they work in therapy themselves (`_OWN_PRACTICE`: "ok different
    question, I am an OT myself. how long are travel contracts?")."""
    if _OWN_PRACTICE.search(question):
        return False
    asked = [question] + [t.content for t in history or [] if t.role == "user"]
    if any(_RELATIVES_CAREER.search(text) for text in asked):
        return False
    return any(_OWN_CHILD.search(text) for text in asked)


# The third-person pronouns a parent uses for the child asked about ("does she need an IEP").
_CHILD_PRONOUN = re.compile(r"\b(?:he|she|him|her)\b", re.IGNORECASE)


def as_parent(part: str) -> str:
    """A part of a parent's message with the child named: "does he have autism?" -> "does my
    child have autism?", so that the scope policy reads it as it would read it alone."""
    return _CHILD_PRONOUN.sub("my child", part)


_SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+")
_CLAUSE_BREAK = re.compile(r"(?<=[.?!,;])\s+|\s+[-–—]+\s+")
_ASKING = re.compile(
    r"^\W*(?:what|whats|how|why|when|where|which|who|whom|whose|is|are|was|were|do|does|did|can|"
    r"could|should|would|will|shall|may|might|am|any)\b",
    re.IGNORECASE,
)
# Words that point back at something said before: a question with one needs its context.
_POINTING = re.compile(
    r"\b(?:he|she|him|her|his|hers|they|them|their|it|its|that|this|these|those|one|ones|"
    r"same(?! as\b)|such|me)\b"
    # "there" as a place said before ("do they pay more there?"), not as English says that
    # something exists ("is there a max caseload?", "there are no limits").
    r"|(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\bisnt )(?<!\baint )\bthere\b"
    r"(?!\s+(?:is|are|was|were|isn't|isnt|aren't|arent|be|been|will|would|should|must|might|"
    r"may|could|can|any|no|a|an)\b)",
    re.IGNORECASE,
)


# A sentence that goes on with the question rather than telling context: "like what would a geri
# OT work on", "or does either work".
_GOING_ON = re.compile(r"^\W*(?:like|or|and|also|plus|e\.?g\.?|i mean|such as|especially)\b", re.I)


# The asker telling about themselves before a comma and the question: "im a new grad, whats
# the difference between school and clinical OT", "as a COTA, can I ...". (A condition, "if i
# go school based, would i ...", is part of the question and stays.)
_TELLING = re.compile(
    r"^\W*(?:i|im|i'm|i am|ive|i've|i have|my|we|we're|we are|our|as an?)\b[^,;:?.!]{1,80}"
    r"[,;:]\s+",
    re.IGNORECASE,
)


# A person (the candidate, the child) rather than a thing said before: "does she need a license".
_PERSON = re.compile(r"\b(?:he|she|him|her|his|hers|me)\b", re.IGNORECASE)


def _stands_alone(question: str, people: bool = False) -> bool:
    """A question that needs nothing said before it: it names two topic words or more, and
    neither leads on from ("and what about ...") nor points back at ("... that ...") another.
    With `people`, "she" or "him" (the person asked about) is no pointing back."""
    pointing = [m.group(0) for m in _POINTING.finditer(question)]
    if people:
        pointing = [w for w in pointing if not _PERSON.fullmatch(w)]
    return not (_LEAD.match(question) or pointing) and len(_topic(question)) >= 2


def focus(message: str, history: list[Turn] | None = None) -> str:
    """The one question of a message that also tells its context ("what do districts look for in
    a school OT? all my experience is with adults"), when that question stands on its own: it
    names two topic words or more and points back at nothing ("what is that about?" or "which
    setting fits me?" keep the sentences before them), and the message is no follow-up. Otherwise
    the message as it is."""
    if history and is_followup(message, history):
        return message
    told = _TELLING.match(message.strip())
    if told and "?" not in told.group(0):  # "im a new grad, whats the difference ...?"
        question = message.strip()[told.end():]
        if _ASKING.match(question) and not _POINTING.search(question):
            return question if len(_topic(question)) >= 2 else message
    sentences = [s for s in _SENTENCE_BREAK.split(message.strip()) if s]
    if len(sentences) < 2:
        return message
    if any(_GOING_ON.match(s) for s in sentences[1:]):
        return message
    asking = [s for s in sentences if s.rstrip().endswith("?") or _ASKING.match(s)]
    if len(asking) != 1:
        return message  # no question, or two ("is the compact live yet? can i use it ...")
    question = asking[0].strip()
    return question if _stands_alone(question) else message


# How a question joined to another begins ("... and how does the schedule compare?").
_QUESTION_START = (
    r"(?:what|whats|how|hows|why|when|where|wheres|which|who|whos|whether|do|does|did|is|are|"
    r"can|could|should|would|will)\b"
)
# A second question joined to the first: "... summers off and how does the schedule compare?"
# ("... and is asking which exam she takes" goes on describing the asker: no second question.)
_AND_ASKING = re.compile(
    rf"[,;]?\s+(?:and|also|plus)\s+(?!(?:is|are|was|were)\s+(?:asking|wondering|curious)\b)"
    rf"(?={_QUESTION_START})",
    re.IGNORECASE,
)
_WHETHER = re.compile(r"^\W*(?:whether|if)\b", re.IGNORECASE)
# The word that only joins a question to the one before: "... ? also do clinic OTs ...".
_JOINER = re.compile(
    rf"^\W*(?:and|also|plus|but|so|ok(?:ay)?)\b[\s,]*(?:also\b[\s,]*)?(?={_QUESTION_START})",
    re.IGNORECASE,
)


# An alternative question joins two questions, each whole, with "or": "is school OT repetitive
# or is there some variety in the work?", "can new grads get IRF jobs or do they want experience
# first?". The second begins with the verb that asks it; "school or clinic" joins no question.
_OR_ASKING = re.compile(
    r"\s*,?\s+or\s+(?=(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|am|"
    r"must|need|may|might)\b)",
    re.IGNORECASE,
)


def alternatives_of(message: str, history: list[Turn] | None = None) -> list[str]:
    """The two questions of an alternative question, whose answer may affirm either ("do
    parents stay in the room or is it drop off?": the articles say parents usually stay); the
    message alone when it is none, or a follow-up.

    Example: "is school OT repetitive or is there some variety in the work?"
        -> ["is school OT repetitive", "is there some variety in the work?"]
    """
    if history and is_followup(message, history):
        return [message]
    framed = strip_framing(message)
    parts = _OR_ASKING.split(framed, maxsplit=1)
    if len(parts) != 2 or not all(p.strip() for p in parts):
        return [message]
    # The first asks, or the framing cut before it did ("candidate wants to know if she ...").
    first, second = (p.strip() for p in parts)
    clause = _CLAUSE_BREAK.split(first)[-1]
    cut = framed != message.strip()
    if not (_ASKING.match(clause) or _ASKING.match(first) or _WHETHER.match(clause) or cut):
        return [message]
    return [first, f"{second.rstrip('?. ')} ({first.rstrip('?. ')})?"]


def questions_of(
    message: str,
    history: list[Turn] | None = None,
    policy_topic: Callable[[str], bool] | None = None,
) -> list[str]:
    """The separate questions of a message that asks two or three things, each standing on its
    own ("do school OTs get summers off? what do clinical OTs do?", "candidate asks whether
    school OTs get summers off and how the schedule compares to clinic jobs"): each asks, names
    two topic words or more and points back at nothing but the person asked about ("does she
    need a license"). A part that `policy_topic` recognises (pay, licensing: "also whats the pay
    like") stands alone too, whatever it leans on: its policy answers it. Otherwise the message
    alone: one question, a question with its context (`focus`), or parts that lean on each
    other ("do they get summers off? and how does that compare?")."""
    if history and is_followup(message, history):
        return [message]
    framed = strip_framing(message)
    cut = framed != message.strip()  # "candidate asks whether" went with the framing
    sentences = [s for s in _SENTENCE_BREAK.split(framed.strip()) if s]
    # Sentences that only tell, before the questions ("thinking of travel OT. how long are
    # contracts and do i need a license in every state?"), are the questions' context: each
    # part is read with it, in parentheses, as a follow-up with what it borrows.
    told = []
    while len(sentences) > 1 and _TELLS.match(sentences[0]):
        told.append(sentences.pop(0).strip().rstrip("."))
    parts = [p.strip() for s in sentences for p in _AND_ASKING.split(s) if p.strip()]
    if not 2 <= len(parts) <= 3:
        return [message]
    if told:
        context = ", ".join(told)
        parts = [f"{p.rstrip('?. ')} ({context})?" for p in parts]
    # "... ? also do clinic OTs work year round": a plain "and"/"also" only joins the next
    # question; "and what about clinics?" still leans on the one before (`_LEAD` below).
    parts = [parts[0]] + [_JOINER.sub("", p, count=1) for p in parts[1:]]
    # The first part asks when the framing that asked it went ("he's asking if he has to ...
    # and what ..."), unless it is a sentence that tells ("she's thinking about PRN. does ...?").
    # Options offered for the question before are no question of their own ("who pays?
    # insurance or the district?").
    asks = [
        bool((p.endswith("?") and not _OPTIONS.match(p)) or _ASKING.match(p) or _WHETHER.match(p))
        or (i == 0 and cut and not p.endswith("."))
        for i, p in enumerate(parts)
    ]
    # "she" is the person asked about only when every part asks ("does she need a license"), not
    # in a part that tells ("candidate just graduated ... and is asking which exam she takes").
    people = all(asks)
    for i, part in enumerate(parts):
        asking = asks[i]
        alone = _stands_alone(part, people) or bool(policy_topic and policy_topic(part))
        if not asking or _GOING_ON.match(part) or not alone:
            return [message]
    return parts


# A sentence that tells rather than asks: it ends with a full stop and opens with no question
# word ("thinking of travel OT.", "im a new grad.").
_TELLS = re.compile(rf"^(?!\W*{_QUESTION_START})[^?]*\.\s*$", re.IGNORECASE)

# A bare choice between options: "insurance or the district?", "school or clinic?".
_OPTIONS = re.compile(r"^[^?]*\bor\b[^?]*\?\s*$", re.IGNORECASE)


def last_user_question(history: list[Turn]) -> str | None:
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip():
            return turn.content.strip()
    return None


# A part of what was said before, named with "the": "what's the positioning part for?", "how long
# does the state part take?" ("the hardest part of school OT" names its whole itself).
_PART_SAID = re.compile(
    r"\bthe (?:\w+ ){1,2}(?:part|bit|side|piece|step)\b(?! (?:of|about|in|with|that)\b)(?! for \w)",
    re.IGNORECASE,
)


def is_followup(question: str, history: list[Turn]) -> bool:
    """A question that only makes sense with the conversation before it."""
    if last_user_question(history) is None:
        return False
    # "ok last q, what do IEP goals focus on": what follows the announcement is the question.
    question = _NEW_QUESTION.sub("", question, count=1) or question
    words = tokens(question)
    lead = _LEAD.match(question)
    if lead and len(words) <= 6:
        # "ok" closes the last answer as often as it goes on from it: "ok what should i ask in
        # interviews" asks afresh; "ok and in clinics?", "ok, does it pay more?" go on. ("so"
        # goes on: "so who writes up the notes?" after a question on the OT's and COTA's roles.)
        rest = question[lead.end():]
        fresh = lead.group(1).lower() in _OPENERS and bool(_ASKING.match(rest)) and not (
            _LEAD.match(rest) or _ANAPHORA.search(rest) or _WEAK_ANAPHORA.search(rest)
            or _POINTING.search(rest)
        )
        if not fresh:
            return True
    if _ANAPHORA.search(question) and len(words) <= 5 or _POINTING_END.search(question):
        return True
    if _ONE_OF_THOSE.search(question) or (_PART_SAID.search(question) and len(words) <= 6):
        return True
    # Beside "it"/"that", only topic words count: "does that include job stuff?" names one
    # ("job"), as "does that include jobs?" does; words that only shape a question do not.
    if _WEAK_ANAPHORA.search(question) and len(_topic(question)) <= 2 or len(words) <= 1:
        return True
    # News, then a question about what was said before: "hes starting high school next year,
    # will it change?", "she's only 3, is that too young?". The asking clause points back and
    # names at most one topic word of its own; the news is context for the earlier question.
    clause = _CLAUSE_BREAK.split(question.strip())[-1]
    if clause != question.strip() and _ASKING.match(clause) and _REACTION.match(question):
        return True  # "ugh that sounds expensive. does anyone help cover the cost?"
    return (
        clause != question.strip()
        and bool(_ASKING.match(clause) and _WEAK_ANAPHORA.search(clause))
        and len(_topic(clause)) <= 1
    )


# A reaction to the last answer before a question about it: "that sounds expensive.", "ugh, this
# seems like a lot -", "wow thats a long time,". (The question after it goes on from the answer.)
_REACTION = re.compile(
    r"^\W*(?:(?:ugh|wow|oh|ok(?:ay)?|hmm+|huh|yikes|whoa|dang|damn|geez|jeez|ah|aw+)\b[\s,!.]*)*"
    r"(?:that|this|it|those|these)(?:'?s| is| are| sounds?| seems?| looks?)\b[^.?!,;]{0,30}[.!,;]\s",
    re.IGNORECASE,
)


def rewrite(question: str, history: list[Turn]) -> str:
    """The standalone form of a follow-up; any other question comes back unchanged.

    Example: "and in clinics?" after "Do school OTs get summers off?"
        -> "Do clinical OTs get summers off?"
    """
    if not is_followup(question, history):
        return question
    return _standalone(question, _asked(history))


def _asked(history: list[Turn]) -> list[str]:
    """The asker's earlier questions as understood: framing cut ("candidate asks ..."), and each
    follow-up made standalone from the ones before it, once (a chain of follow-ups is read in
    one pass, not again for every later turn)."""
    found: list[str] = []
    for i, turn in enumerate(history):
        if turn.role == "user" and turn.content.strip():
            question = turn.content.strip()
            if is_followup(question, history[:i]):
                question = _standalone(question, found)
            found.append(strip_framing(question))
    return found


def _standalone(question: str, asked: list[str]) -> str:
    """A follow-up made standalone from the earlier questions as understood (`_asked`)."""
    # The earlier question as it was understood, made standalone itself when it was a
    # follow-up too ("and in clinics?").
    previous = asked[-1]
    focus = _LEAD.sub("", _REACTION.sub("", question)).strip()
    new_setting = named_setting(focus)
    old_setting = named_setting(previous)
    # "and in clinics?": the same question, asked about the other setting.
    remainder = strip_setting(focus, new_setting) if new_setting else focus
    if new_setting and old_setting and new_setting != old_setting and len(tokens(remainder)) <= 2:
        # Named with its kind ("what about in a peds clinic?"), the setting keeps the asker's words.
        said = setting_as_said(focus, new_setting, lambda word: bool(tokens(word)))
        return swap_setting(previous, old_setting, new_setting, said)
    # "what about the other one?": the same question, about the setting not asked about before.
    if old_setting and _OTHER.search(focus) and len(tokens(_OTHER.sub("", focus))) <= 2:
        return swap_setting(previous, old_setting, other_side(old_setting))
    # "which one has better hours?" after a question about each setting: the choice is between
    # the settings the conversation named, not about the last question alone.
    named = set().union(*(settings_named(q) for q in asked))
    if _CHOICE.search(focus) and named >= set(SIDES) and not settings_named(focus):
        choice = " or ".join(practice_settings().sides[side].phrase for side in SIDES)
        return f"{focus.rstrip('?. ')} ({choice} OT)?"
    focus = focus.rstrip("?. ").strip()
    # The earlier question's own words and what it borrowed, side by side: one level of
    # parentheses however long the chain ("why (which one pays better, their hours)?").
    borrowed = _BORROWED.search(previous)
    if borrowed:
        previous = f"{own_words(previous)}, {borrowed.group(1)}"
    return f"{focus} ({previous.rstrip('?. ')})?" if focus else previous


_BORROWED = re.compile(r"\s*\(([^()]*)\)\?$")


def own_words(standalone: str) -> str:
    """A standalone follow-up without the earlier question it borrows (`rewrite`): what the
    asker asked this time.

    Example: "does aota say anything about that (how big are caseloads)?"
        -> "does aota say anything about that"
    """
    return _BORROWED.sub("", standalone) or standalone


def policy_text(standalone: str) -> str:
    """What a question's policy topic (pay, licensing, medical advice) is read from: a
    follow-up's own words when they name two topics or more, without the earlier question it
    borrows; else the whole standalone question. "ok last q, any tips for the nbcot exam?" after
    "does an OTD pay more?" asks nothing about pay; "and in texas?" after a pay question does.

    Example: "any tips for the nbcot exam (does an OTD pay more)?"
        -> "any tips for the nbcot exam"
    """
    own = own_words(standalone)
    return own if own != standalone and len(_topic(own)) >= 2 else standalone


# What opens and closes an e-mail rather than asking anything: "Hi Jess,", "Hello!", "Thanks,
# Jess", "Best,", "Sent from my iPhone". English letter-writing, not words of any question.
_SALUTATION = re.compile(
    r"^\W*(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b[^.!?,:;]{0,30}[.!?,:;]+\s*",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\W*(?:thanks|thank you|thx|ty|best|all the best|regards|kind regards|best regards|cheers|"
    r"sincerely|warmly|talk soon|sent from)\b",
    re.IGNORECASE,
)
# A line that asks or passes on a question ("candidate asks ...", "can u draft a reply").
_ASKS_SOMETHING = re.compile(
    r"\?|\b(?:ask(?:s|ed|ing)|wonder(?:s|ing)?|want(?:s)? to know|curious|question|draft|reply|"
    r"respond|tell (?:her|him|them|me))\b",
    re.IGNORECASE,
)


def pasted_questions(text: str) -> list[str]:
    """The questions of text pasted one per line, as a recruiter pastes a candidate's e-mail:
    greetings and sign-offs dropped ("Hi!", "Thanks, Jess"), and a line that only tells
    ("I'm finishing my MOT in May.") kept as the context of the question after it.

    Example: "Hi! I'm finishing my MOT in May.\nWould acute care be a good first job?\nThanks, Jess"
        -> ["I'm finishing my MOT in May. Would acute care be a good first job?"]
    """
    questions: list[str] = []
    told: list[str] = []
    for line in text.splitlines():
        line = _SALUTATION.sub("", line.strip(), count=1).strip()
        if _SIGN_OFF.match(line) and len(line.split()) <= 6 and "?" not in line:
            if questions:
                break  # the sign-off and the name under it
            continue  # "Thanks for reaching out!"
        if not line:
            continue
        if not _ASKS_SOMETHING.search(line) and not _ASKING.match(line):
            told.append(line)
            continue
        questions.append(" ".join([*told, line]))
        told = []
    if told:
        # Told after the last question ("I ask because I have kids."), its context too; with no
        # question at all, the recruiter's own instruction, as written.
        if questions:
            questions[-1] = " ".join([questions[-1], *told])
        else:
            questions.append(" ".join(told))
    return questions

