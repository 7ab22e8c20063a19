from bot.lexical import Vocabulary, edit_distance, stem, tokens


def test_stem_and_tokens():
    assert stem("IEPs") == "iep"
    assert stem("therapies") == "therapy"
    assert stem("settings") == stem("setting")
    assert tokens("Do school OTs get summers off?") == ["school", "ot", "summer"]
    assert tokens("kids and children") == ["child", "child"]


def test_vocabulary_corrects_misspellings_against_the_corpus():
    vocabulary = Vocabulary(["IEP goals are set in schools.", "School calendars differ."])
    assert vocabulary.correct("gaol") == "goal"
    assert vocabulary.correct("schol") == "school"
    assert vocabulary.correct("salary") == "salary"  # nothing close: left as it is
    assert vocabulary.terms("what are IEP gaols in schol OT") == ["iep", "goal", "school", "ot"]


def test_idf_is_highest_for_unknown_words():
    vocabulary = Vocabulary(["school OT", "school calendar", "clinic OT"])
    assert vocabulary.idf("salary") > vocabulary.idf("calendar") > vocabulary.idf("school")


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance("gaol", "goal") == 1
    assert edit_distance("school", "clinic", limit=2) == 3
