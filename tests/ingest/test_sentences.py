from bot.ingest.sentences import split_sentences


def test_sentences_are_verbatim_substrings():
    text = "OT helps kids (like eating or dressing). It works, e.g. in schools. Ready? Yes!"
    parts = split_sentences(text)
    assert parts == [
        "OT helps kids (like eating or dressing).",
        "It works, e.g. in schools.",
        "Ready?",
        "Yes!",
    ]
    assert all(p in text for p in parts)


def test_abbreviation_does_not_end_a_sentence():
    assert split_sentences("School vs. Clinic is a choice. Pick one.") == [
        "School vs. Clinic is a choice.",
        "Pick one.",
    ]


def test_abbreviations_do_not_end_sentences_or_headings():
    from bot.ingest.sentences import without_abbreviations

    assert split_sentences("Pay differs by setting, e.g. schools vs. clinics. Ask us.") == [
        "Pay differs by setting, e.g. schools vs. clinics.",
        "Ask us.",
    ]
    assert ". " not in without_abbreviations("School vs. Clinic: Dr. Lee in the U.S. explains")
