from bot.answer.lexical import REAL_WORD_GAP, Vocabulary, english_frequency, stem, tokens


def test_snowball_stems_meet_across_word_forms():
    assert stem("IEPs") == "iep"
    assert stem("therapies") == stem("therapy")
    assert stem("settings") == stem("setting")
    assert stem("geriatric") == stem("geriatrics")
    assert stem("collaborating") == stem("collaborate")
    assert tokens("Do school OTs get summers off?") == ["school", "ot", "summer"]
    assert tokens("kids and children") == ["child", "child"]
    # a short word ending "ss", "us" or "is" is no plural: "pass" meets "passing", not "pas"
    assert stem("pass") == stem("passing") == "pass"
    assert stem("SNFs") == "snf" and stem("less") == "less" and stem("plus") == "plus"


def test_numbers_meet_their_words_and_one_on_one_is_one_word():
    # articles spell small numbers out; chat types digits
    assert tokens("3 hrs a day") == tokens("three hrs a day") == ["three", "hr", "day"]
    assert tokens("ages 3-21") == ["age", "three", "21"]
    for typed in ("stuck doing 1 on 1", "stuck doing 1:1", "stuck doing one-on-one"):
        assert tokens(typed) == ["stuck", "oneonone"], typed
    # contractions typed without the apostrophe name no topic
    assert tokens("havent heard, hes 3") == ["heard", "three"]


def test_vocabulary_corrects_misspellings_against_the_corpus():
    vocabulary = Vocabulary(["IEP goals are set in schools.", "School calendars differ."])
    assert vocabulary.correct("gaol") == "goals"
    assert vocabulary.correct("schol") == "school"
    assert vocabulary.correct("salary") == "salary"  # nothing close: left as it is
    assert vocabulary.terms("what are IEP gaols in schol OT") == ["iep", "goal", "school", "ot"]


def test_known_english_words_are_not_corrected_into_corpus_words_as_common_as_they_are():
    # "goat" is one edit from the corpus word "goal", but it is a real word: a near miss stays one.
    vocabulary = Vocabulary(["IEP goals are set in schools."], english=frozenset({"goat"}))
    assert vocabulary.correct("goat") == "goat"
    assert vocabulary.correct("gaol") == "goals"


def test_a_rare_english_word_one_slip_from_a_far_commoner_one_is_read_as_that_one():
    english = frozenset({"dose", "thong", "pace", "treat", "texas", "men"})
    vocabulary = Vocabulary(
        ["The pace of a clinic: what a great place to learn, and the thing that texts mean."],
        english=english,
    )
    # English uses "does" and "thing" dozens of times as often: slips, most likely.
    assert vocabulary.correct_text("what dose a thong mean") == "what does a thing mean"
    # "treat" beside "great", "men" beside "mean": both common, so both as typed.
    assert vocabulary.correct_text("do men treat them") == "do men treat them"
    # Nor is a word the articles use ("pace") or a name far from any ("texas") ever rewritten.
    assert vocabulary.correct_text("the pace in texas") == "the pace in texas"
    assert english_frequency("does") - english_frequency("dose") >= REAL_WORD_GAP


def test_a_short_word_that_begins_a_longer_corpus_word_is_that_word_cut_short():
    """'vet' is one slip from 'get', which English uses hundreds of times as often, but where the
    articles write 'veterans' it is their word cut short (newcomer 31: 'my husband is a get')."""
    vocabulary = Vocabulary(["Occupational therapists get to serve veterans at the VA."],
                            english=frozenset({"vet", "vets", "wat"}))
    assert vocabulary.correct_text("my husband is a vet") == "my husband is a vet"
    assert vocabulary.correct_text("do vets get OT?") == "do vets get OT?"
    assert english_frequency("get") - english_frequency("vet") >= REAL_WORD_GAP


def test_correct_text_keeps_everything_but_the_misspelt_words():
    vocabulary = Vocabulary(["Elementary schools need occupational therapists."])
    assert (
        vocabulary.correct_text("Are OT jobs only in elementry schools?")
        == "Are OT jobs only in elementary schools?"
    )


def test_idf_is_highest_for_unknown_words():
    vocabulary = Vocabulary(["school OT", "school calendar", "clinic OT"])
    assert vocabulary.idf("salary") > vocabulary.idf("calendar") > vocabulary.idf("school")


def test_an_everyday_word_weighs_no_more_than_english_gives_it():
    from bot.answer.lexical import english_idf

    vocabulary = Vocabulary(["School OTs support students.", "Clinics treat patients."] * 20)
    # Neither word is in the articles, so both have the highest idf; "new" is everyday English
    assert vocabulary.idf("new") == vocabulary.idf("cprp")
    assert vocabulary.weight("new", "new") < vocabulary.weight("cprp", "cprp")
    assert vocabulary.weight("cprp", "cprp") == vocabulary.idf("cprp")  # too rare to list
    assert english_idf("new") < english_idf("week") < english_idf("stuck") < english_idf("neurology")
    assert english_idf("cprp") is None
    # the words as written key the question's terms
    assert vocabulary.written_forms("Whats it like being stuck in schools?")["stuck"] == "stuck"
    assert vocabulary.written_forms("Whats it like being stuck in schools?")["school"] == "schools"


def test_misspelt_question_words_are_corrected_even_when_the_articles_never_use_them():
    # Articles' sentences rarely say "what" or "does"; a typo in one must not look like a topic.
    vocabulary = Vocabulary(["School OTs follow the school calendar."])
    assert vocabulary.correct_text("Whhat deos a school OT do?") == "what does a school OT do?"
    assert vocabulary.terms("Whhat deos a school OT do?") == vocabulary.terms("What does a school OT do?")


def test_inflections_of_known_words_are_never_corrected():
    vocabulary = Vocabulary(["Finding a role takes time."], english=frozenset({"hint"}))
    assert vocabulary.correct("hinting") == "hinting"  # not "finding"


def test_words_english_uses_are_words_even_beyond_the_models_word_list():
    # "hype", "covid" and "schoolers" are not whole words of MiniLM's list (english here), but
    # wordfreq counts each more than once per million words: none is a slip for another word.
    vocabulary = Vocabulary(["Each type of school has its own confidence and culture."])
    assert vocabulary.correct("hype") == "hype"  # not "type"
    assert vocabulary.correct("covid") == "covid"  # not "confidence"
    assert vocabulary.correct("tyep") == "type"  # a slip no English word explains still is one
    # Another form of a corpus word is read as that word: its ending, not its meaning, differs.
    assert Vocabulary(["High schools differ."]).correct("schoolers") == "schools"
    # A misspelling wordfreq lists is still read as the far commoner word one slip away.
    assert vocabulary.correct("teh") == "the"
    # Two function words typed as one are split whether or not the articles write them together.
    assert vocabulary.correct_text("is it alot of paperwork") == "is it a lot of paperwork"


def test_long_english_words_are_targets_after_corpus_words():
    english = frozenset({"collaborate", "important", "beds", "school"})
    vocabulary = Vocabulary(["Teachers and therapists share goals."], english=english)
    assert vocabulary.correct("collabroate") == "collaborate"  # a word the articles never use
    assert vocabulary.correct("importnat") == "important"
    assert vocabulary.correct("peds") == "peds"  # short English words are too dense to guess from
    vocabulary = Vocabulary(["School goals differ from clinic goals."], english=english)
    assert vocabulary.correct("shcool") == "school"  # the corpus's own word comes first


def test_abbreviations_are_never_corrected():
    vocabulary = Vocabulary(["Knee pads and gloves."], abbreviations=frozenset({"peds"}))
    assert vocabulary.correct("peds") == "peds"  # one edit from "pads", but an abbreviation
    assert Vocabulary(["Knee pads and gloves."]).correct("peds") == "pads"


def test_english_targets_take_one_slip_in_a_long_word_only():
    english = frozenset({"psyche", "workers"})
    vocabulary = Vocabulary(["Teachers and therapists share goals."], english=english)
    assert vocabulary.correct("psych") == "psych"  # five letters: shorthand, not a slip
    assert vocabulary.correct("coworkers") == "coworkers"  # two edits from "workers"


def test_stop_words_typed_without_their_apostrophe_are_no_topic():
    assert tokens("whats the kinds of jobs") == ["job"]
    assert tokens("what's the kind of jobs") == ["job"]
    assert tokens("how long till the eval, unless they wait") == ["long", "eval", "wait"]


def test_chat_shorthand_is_written_out_before_matching():
    english = frozenset({"how", "many", "paid", "nurse"})
    vocabulary = Vocabulary(["Contracts last 13 weeks of 36 hours."], english=english)
    assert vocabulary.correct_text("how many hrs r u paid for 13 wks") == (
        "how many hours are you paid for 13 weeks"
    )
    assert vocabulary.correct_text("an OR nurse") == "an OR nurse"  # upper case: not shorthand
    # Written out rather than "corrected" into a short word ("diff" had become "did")...
    assert vocabulary.correct_text("whats the diff") == "whats the difference"
    assert vocabulary.correct_text("a new grad") == "a new graduate"
    assert vocabulary.correct_text("wat ages tho") == "what ages though"  # "wat" is English too
    assert vocabulary.correct_text("the max caseload") == "the maximum caseload"
    assert tokens("what ages though") == ["age"]  # "though" names no topic
    # a letter and a digit are one word ("b4"); "rly" is not "rely"
    assert vocabulary.correct_text("can i work b4 i pass, rly?") == "can i work before i pass, really?"
    assert vocabulary.correct_text("do u go to ppls houses") == "do you go to people's houses"
    assert vocabulary.correct_text("K12 students") == "K12 students"
    # ...unless the articles write it the same way.
    vocabulary = Vocabulary(["Many new grad OTs start in schools."], english=english)
    assert vocabulary.correct_text("a new grad") == "a new grad"


def test_typing_slips_cost_less_than_other_edits():
    from bot.answer.lexical import slips

    assert slips("shcool", "school") == 1  # two letters swapped
    assert slips("schoool", "school") == 1  # a doubled key
    assert slips("schol", "school") == 1  # a dropped letter
    assert slips("sxhool", "school") == 1  # a neighbouring key
    assert slips("spool", "school") > 2  # other letters changed


def test_short_words_take_two_slips_and_three_letter_words_one_towards_a_common_word():
    english = frozenset({"pros", "what", "paid"})
    vocabulary = Vocabulary(["School OTs should plan what they teach."], english=english)
    assert vocabulary.correct("schlo") == "school"  # a letter dropped, two swapped
    assert vocabulary.correct("sjoud") == "should"  # a neighbouring key, a letter dropped
    assert vocabulary.correct_text("wht do OTs teach") == "what do OTs teach"
    assert vocabulary.correct_text("is PTO paid") == "is PTO paid"  # upper case: an abbreviation
    vocabulary = Vocabulary(["The pros and cons."])
    assert vocabulary.correct("pto") == "pto"  # a three-letter word is no slip for a topic...
    vocabulary = Vocabulary(["How long do patients stay in high school?"], english=frozenset({"sky"}))
    assert vocabulary.correct("lng") == "long"  # ...unless it is a corpus word with a letter dropped
    assert vocabulary.correct_text("hih school") == "high school"
    assert vocabulary.correct("sky") == "sky"  # known English is never a slip
    assert vocabulary.correct("stg") == "stg"  # a letter changed, not dropped


def test_contractions_typed_without_the_apostrophe_are_function_words():
    vocabulary = Vocabulary(["Count the patients others see."], english=frozenset({"others"}))
    assert vocabulary.correct_text("others dont") == "others dont"  # not "count"
    assert tokens("thats what others dont do") == []


def test_chat_interjections_name_no_topic():
    assert tokens("whats an IEP lol") == ["iep"]
    assert tokens("ugh ok, and holidays too?") == ["holiday"]


def test_a_slip_in_a_long_known_abbreviation_is_read_as_that_abbreviation():
    english = frozenset({"the", "and", "exam", "meeting"})
    vocabulary = Vocabulary(
        ["The IFSP meeting and the NBCOT exam."], english=english,
        abbreviations=frozenset({"ifsp", "nbcot", "pto"}),
    )
    assert vocabulary.correct_text("ISFP meeting") == "IFSP meeting"
    assert vocabulary.correct_text("NBCOOT exam") == "NBCOT exam"
    assert vocabulary.correct_text("ISFPs") == "IFSPs"
    # Three letters are as likely an abbreviation of their own ("PTO", "AOA"); one that the
    # articles or glossary know, and one far from any, stay as typed.
    assert vocabulary.correct_text("AOA PTO IFSP ADHD") == "AOA PTO IFSP ADHD"


def test_two_words_typed_as_one_are_split_when_the_articles_write_them_apart():
    vocabulary = Vocabulary(
        ["In high school, OT builds independence.", "School based roles may be full time."],
        english=frozenset({"highschool", "maybe"}),
    )
    assert vocabulary.correct_text("what do OTs do in highschool") == "what do OTs do in high school"
    assert vocabulary.correct("schoolbased") == "school based"  # no English word: split
    assert vocabulary.correct("maybe") == "maybe"  # English uses it about as much as "may be"
    assert vocabulary.correct("fullday") == "fullday"  # the articles never write "full day"


def test_a_clipped_word_is_read_as_the_one_corpus_word_it_begins():
    vocabulary = Vocabulary(
        ["Geriatrics and neurology roles.", "Certain roles need certification.",
         "A deadline applies."],
        english=frozenset({"dead"}),
    )
    assert vocabulary.correct("geri") == "geriatrics"
    assert vocabulary.correct("neuro") == "neurology"
    # "certain" is an everyday word nobody clips; "certified" and "certification" are one word's
    # forms
    assert vocabulary.correct("cert") == "certification"
    mixed = Vocabulary(["Certified therapists hold a certification."])
    assert mixed.correct("cert") in {"certified", "certification"}
    ambiguous = Vocabulary(["Psychiatric units and psychology programs."])
    assert ambiguous.correct("psych") == "psych"  # two different words, as often: no guess
    # the word the articles mean by it most of the time
    mostly = Vocabulary(["Psychiatric units, psychiatric hospitals and psychology programs."])
    assert mostly.correct("psych") == "psychiatric"
    assert vocabulary.correct("dead") == "dead"  # an everyday word, not a clipping of "deadline"
    slipped = Vocabulary(["Home health visits.", "Be honest about it."])
    assert slipped.correct("hone") == "home"  # a clipping cuts three letters or more


def test_intensifiers_name_no_topic():
    vocabulary = Vocabulary(["School and clinic OT differ."])
    assert vocabulary.terms("whats the actual difference between school and clinic OT") == (
        vocabulary.terms("whats the difference between school and clinic OT")
    )
    assert "even" not in vocabulary.terms("what does an OT even do in a school")


def test_a_parents_son_or_daughter_is_the_child_the_articles_speak_of():
    assert stem("son") == stem("daughters") == stem("children") == stem("kid")


def test_a_base_word_the_corpus_never_uses_meets_its_derived_form():
    # The stemmer keeps "-ment" on a short word: "treat" and "treatment" never met.
    vocabulary = Vocabulary(
        ["Treatment plans are written by the OT.", "Placement is quick.", "A formal letter."]
    )
    assert vocabulary.terms("which ages do OTs treat") == ["age", "ot", "treatment"]
    assert vocabulary.terms("where will they place me") == ["placement"]
    assert vocabulary.terms("a form for the route") == ["form", "rout"]  # not "formal"
    # A verb and its noun whose stems English alternates: certify / certification, extend /
    # extension, permit / permission, refer / referral, license / licensure, either way.
    nouns = Vocabulary(
        ["Certification is required.", "Ask for an extension.", "Get permission first.",
         "A referral starts it.", "Licensure takes weeks.", "You must be qualified."]
    )
    assert nouns.terms("do i certify") == ["certif"]
    assert nouns.terms("can they extend") == ["extens"]
    assert nouns.terms("do they permit it") == ["permiss"]
    assert nouns.terms("who will refer") == ["referr"]
    assert nouns.terms("licensing") == ["licensur"]
    assert nouns.terms("what qualifications") == ["qualifi"]


def test_a_us_state_is_a_name_however_it_is_typed():
    vocabulary = Vocabulary(["Boards in New York and Ohio differ.", "Clinics hire new grads."])
    assert vocabulary.unmentioned("does texas require a jurisprudence exam?") == ("Texas",)
    assert vocabulary.unmentioned("is Mayo Clinic hiring in west virginia?") == (
        "Mayo Clinic", "West Virginia"
    )
    assert vocabulary.unmentioned("do i need a license in new york or ohio") == ()  # named
    # A postal code in capitals, unless the articles name its state; not one that is also a
    # word or, in healthcare, something else (MS, PA, OR).
    assert vocabulary.unmentioned("does NJ have a jurisprudence exam?") == ("NJ",)
    assert vocabulary.unmentioned("can I get licensed in NY?") == ()
    assert vocabulary.unmentioned("do OTs in the OR work with MS or PA patients?") == ()


def test_names_the_articles_never_mention_are_found():
    vocabulary = Vocabulary(
        ["Clinics and hospitals hire new grads in acute care year round.", "Aequor staffs OTs."]
    )
    assert vocabulary.unmentioned("Is Mayo Clinic hiring new grad OTs for acute care?") == (
        "Mayo Clinic",
    )
    assert vocabulary.unmentioned("can I work in Texas or New York") == ("Texas", "New York")
    # Not a name the articles use, a word that opens a sentence, an abbreviation, the asker,
    # a compound of known words, or a person.
    for question in ("Does Aequor hire new grads?", "Telehealth aside, do clinics hire?",
                     "what does NBCOT mean", "and I'd like a Year-round job",
                     "hi, I'm Sarah: do clinics hire?", "my son Jake needs OT"):
        assert vocabulary.unmentioned(question) == (), question



def test_a_product_name_is_a_name_though_it_looks_like_a_known_word():
    vocabulary = Vocabulary(["Therapy teams use LinkedIn and web tools.", "Clinics hire PTs."])
    assert vocabulary.unmentioned("is TherapyEd better for studying?") == ("TherapyEd",)
    assert vocabulary.unmentioned("do clinics use WebPT?") == ("WebPT",)
    assert vocabulary.unmentioned("are clinics on LinkedIn?") == ()  # the articles name it


def test_the_adverb_after_how_asks_a_kind_of_answer_and_is_no_topic():
    vocabulary = Vocabulary(["Evaluations take long hours.", "Children in early intervention."])
    # "how long" asks for a span of time; "long" is a topic only in "long shifts"
    assert "long" not in vocabulary.terms("How long does a functional capacity evaluation take?")
    assert "long" not in vocabulary.terms("how old are kids in early intervention")
    assert "long" in vocabulary.terms("are there long shifts in acute care?")
