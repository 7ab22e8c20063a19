from bot.answer.rewriting import (
    Turn,
    alternatives_of,
    asks_for_brevity,
    is_followup,
    own_words,
    pasted_questions,
    policy_text,
    questions_of,
    rewrite,
    strip_framing,
)

SUMMERS = [Turn("user", "Do school OTs get summers off?"), Turn("assistant", "Often, yes [1].")]
PATIENTS = [
    Turn("user", "What kinds of patients do clinical OTs see?"),
    Turn("assistant", "Children, adults and seniors [1]."),
]


def test_setting_swap():
    assert rewrite("and in clinics?", SUMMERS) == "Do clinical OTs get summers off?"
    assert rewrite("what about in hospitals?", SUMMERS) == "Do clinical OTs get summers off?"


def test_a_followup_naming_a_kind_of_setting_keeps_the_askers_words():
    # "clinical" alone would lose what kind of clinic was asked about.
    assert rewrite("ok what about in a peds clinic?", SUMMERS) == "Do peds clinic OTs get summers off?"
    assert rewrite("and outpatient clinics?", SUMMERS) == "Do outpatient clinics OTs get summers off?"


def test_anaphoric_follow_up_carries_the_previous_question():
    standalone = rewrite("which of those is about older adults?", PATIENTS)
    assert "older adults" in standalone and "patients do clinical OTs see" in standalone


def test_self_contained_questions_are_left_alone():
    for question in (
        "What does IEP mean?",
        "What does it take to work in a school district as an OT?",
        "is an IRF the same as a SNF?",  # names what it compares with
    ):
        assert not is_followup(question, SUMMERS)
        assert rewrite(question, SUMMERS) == question
    assert is_followup("is it the same in clinics?", SUMMERS)


def test_no_history_means_no_rewrite():
    assert rewrite("and in clinics?", []) == "and in clinics?"


def test_comma_framing_and_a_described_asker_are_cut_but_the_description_kept():
    assert strip_framing(
        "recruiter here, candidate in a rural area asks whether mental health OT jobs are easy to find"
    ) == "in a rural area mental health OT jobs are easy to find"
    assert strip_framing(
        "recruiter here, candidate is a COTA and wants to know if she can discharge patients"
    ) == "is a COTA she can discharge patients"
    assert strip_framing("Do school OTs get summers off?") == "Do school OTs get summers off?"


def test_a_question_is_never_taken_for_its_own_framing():
    """A question that names OTs before a dash is no 'candidate question -' prefix, and how to
    answer an interview's question is no request to word a reply (newcomer 32: the first was
    cut to 'i never see any postings' and called off topic, the second to '... interview? and')."""
    funded = "how are primary care OT jobs funded, and how do i even find one - i never see any postings"
    assert strip_framing(funded) == funded
    weakness = ("what should i bring to my first interview? and how do i answer the whats your "
                "biggest weakness question")
    assert strip_framing(weakness) == weakness
    assert questions_of(weakness) == ["what should i bring to my first interview?",
                                      "how do i answer the whats your biggest weakness question"]
    assert strip_framing("candidate question - does she need a license?") == "does she need a license?"
    assert strip_framing("do school OTs get summers off? what should i tell her?") == (
        "do school OTs get summers off?"
    )


def test_a_request_to_word_a_reply_is_framing():
    assert strip_framing(
        "Draft a reply to a candidate who wants to know the main differences between school and "
        "clinical OT"
    ) == "the main differences between school and clinical OT"
    assert strip_framing("help me answer a parent asking whether school OTs help with handwriting") == (
        "school OTs help with handwriting"
    )
    assert strip_framing("I need to reply to a candidate asking about caseloads") == "caseloads"
    # The tone asked for is framing too (newcomer 11: "formal tone:" stayed in the question).
    assert strip_framing(
        "formal tone: candidate wants to know if negotiating an OT job offer will make her look bad"
    ) == "negotiating an OT job offer will make her look bad"
    assert strip_framing(
        "can you draft something for a new grad who wants to know when she can start working"
    ) == "when she can start working"
    assert strip_framing("What should she check before a sign-on bonus? Please prepare a reply.") == (
        "What should she check before a sign-on bonus?"
    )
    # Whom a note is for, and who they are, stay with the question that follows.
    assert strip_framing(
        "draft a note for a candidate who wants to get into pediatric clinic work, what does she "
        "need"
    ) == "a candidate who wants to get into pediatric clinic work, what does she need"
    # A question that merely mentions replying or answering is no request.
    assert strip_framing("How do OTs respond to a student who asks for help?") == (
        "How do OTs respond to a student who asks for help?"
    )


def test_a_request_saying_what_the_reply_is_about_keeps_that_as_the_question():
    """"Can you draft a reply about what help she'd get?": the request goes, what it is about
    is the question (it had gone with the request, leaving only the story before it)."""
    assert strip_framing(
        "Candidate is nervous about the onboarding paperwork. Can you draft a reply about what "
        "help she'd get?"
    ) == "Candidate is nervous about the onboarding paperwork. what help she'd get?"
    assert strip_framing("could you write her a short note explaining how the IEP works?") == (
        "how the IEP works?"
    )
    # A request that says nothing of its subject is cut whole, as before.
    assert strip_framing("Do school OTs get summers off? Can you draft something I can send her?") == (
        "Do school OTs get summers off?"
    )


def test_a_note_after_the_question_and_whom_the_reply_is_for_are_framing():
    assert strip_framing("is school OT covered by insurance or IDEA? candidate confused") == (
        "is school OT covered by insurance or IDEA?"
    )
    assert strip_framing(
        "why is demand for school OTs growing? want to mention it in an outreach email"
    ) == "why is demand for school OTs growing?"
    assert strip_framing("Compare schedules school vs hospital OT for a candidate who has kids") == (
        "Compare schedules school vs hospital OT"
    )
    # The asker's own situation is the question, not framing.
    assert strip_framing("Do school OTs get summers off? I have kids") == (
        "Do school OTs get summers off? I have kids"
    )
    assert strip_framing("is school OT a good fit for a new grad who likes kids?") == (
        "is school OT a good fit for a new grad who likes kids?"
    )
    assert strip_framing("ugh that sounds expensive. does anyone help cover the cost?") == (
        "ugh that sounds expensive. does anyone help cover the cost?"
    )


def test_a_letters_close_after_the_question_is_framing():
    email = (
        "I'm finishing my MOT in May. Do NICUs hire new grads? And how much does a NICU OT make "
        "in Denver?\n\nThanks, Jess"
    )
    assert questions_of(email, []) == [
        "Do NICUs hire new grads (I'm finishing my MOT in May)?",
        "how much does a NICU OT make in Denver (I'm finishing my MOT in May)?",
    ]
    assert strip_framing("whats a superbill? thanks so much!") == "whats a superbill?"
    assert strip_framing("is PRN good for me?\nBest,\nJess") == "is PRN good for me?"
    # "best" that asks, and thanks before the question, are no close.
    assert strip_framing("I am a new grad. Best settings for me") == (
        "I am a new grad. Best settings for me"
    )
    assert strip_framing("thanks! what is an IEP?") == "thanks! what is an IEP?"
    # and a letter's greeting before it
    assert strip_framing("Hi Sam,\n\ndo school OTs get summers off?\n\nBest,\nJenna") == (
        "do school OTs get summers off?"
    )
    assert strip_framing("hello") == "hello"  # a greeting alone is all there is


def test_a_wh_question_after_asks_keeps_its_question_word():
    assert strip_framing("candidate asks what to look for before accepting a school role") == (
        "what to look for before accepting a school role"
    )


def test_a_request_to_pass_the_answer_on_is_framing():
    assert strip_framing("hey can u tell candidate what school ot goals shud look like") == (
        "what school ot goals shud look like"
    )
    assert strip_framing("explain to a parent how IEPs work") == "how IEPs work"
    assert strip_framing("tell me what school OTs do") == "tell me what school OTs do"


def test_a_question_word_and_a_filler_make_a_follow_up():
    history = [Turn("user", "What do clinical OTs do?"), Turn("assistant", "Plans [1].")]
    assert rewrite("what ages tho", history) == "what ages tho (What do clinical OTs do)?"


def test_ok_then_a_whole_question_asks_afresh():
    history = [Turn("user", "can i start working before i get my results?"),
               Turn("assistant", "Some states offer a temporary license [1].")]
    assert rewrite("ok what should i ask in interviews", history) == (
        "ok what should i ask in interviews"
    )
    assert is_followup("ok, does it pay more?", history)  # "it": the job asked about
    assert is_followup("ok and in clinics?", history)
    assert is_followup("so what about clinics?", history)


def test_the_other_one_is_the_other_setting():
    history = [Turn("user", "Do school OTs get summers off?"), Turn("assistant", "Often [1].")]
    assert rewrite("what about the other one?", history) == "Do clinical OTs get summers off?"
    assert rewrite("and the other setting", history) == "Do clinical OTs get summers off?"


def test_own_words_are_what_a_follow_up_asked_this_time():
    history = [Turn("user", "How big are school OT caseloads?"), Turn("assistant", "...")]
    standalone = rewrite("does aota say anything about that?", history)
    assert standalone == "does aota say anything about that (How big are school OT caseloads)?"
    assert own_words(standalone) == "does aota say anything about that"
    assert own_words("How big are school OT caseloads?") == "How big are school OT caseloads?"


def test_doubt_about_a_claim_is_framing_around_the_claim():
    assert strip_framing("do school ots actually get summers off or is that a myth") == (
        "do school ots actually get summers off"
    )
    assert strip_framing("is it true that school OTs get summers off?") == "school OTs get summers off?"
    assert strip_framing("I heard clinics are year-round, is that true?") == "clinics are year-round?"
    assert strip_framing("school OTs follow the school calendar, right?") == (
        "school OTs follow the school calendar?"
    )
    # A real alternative is part of the question.
    kept = "do acute care OTs go into the ICU or is that just PT"
    assert strip_framing(kept) == kept


def test_one_of_those_points_back_however_long_the_question():
    history = [Turn("user", "what is a driving eval?"), Turn("assistant", "An assessment [1].")]
    for question in (
        "how long does one of those usually take? she gets tired pretty fast",
        "could i skip that one and just go straight for the seating and mobility specialist cert?",
        "is the aota one open to cotas or just ots?",  # one told apart by a word
    ):
        assert is_followup(question, history), question
    assert not is_followup("am i the only one who finds school documentation confusing?", history)
    assert not is_followup("got two offers and one pays more. should i go with that one?", [])
    # ending on a pronoun after any preposition points back as well ("during it", "after that")
    assert is_followup("do OT students get paid during it?", history)
    assert is_followup("what do most new grads do right after that?", history)
    assert is_followup("does the person have to be in the hospital first for that to kick in", history)


def test_words_that_only_shape_a_question_do_not_make_it_self_contained():
    history = [Turn("user", "what does an OT do in high school?"), Turn("assistant", "Prep [1].")]
    assert is_followup("does that include job stuff?", history)
    assert rewrite("does that include job stuff?", history).endswith(
        "(what does an OT do in high school)?"
    )


def test_a_parent_speaking_of_their_own_child_is_recognised_here_or_earlier():
    from bot.answer.rewriting import about_own_child

    assert about_own_child("will my daughter get pulled out of class for OT?")
    assert about_own_child("what about our 7 year old son's IEP?")
    # a child named by age alone, in years or months, however it is written
    assert about_own_child("my 4 yr old walks on his toes, should i be worried")
    assert about_own_child("my twins are 18 months and in early intervention. is that normal?")
    assert about_own_child("our little one starts preschool, will the ot come too?")
    assert about_own_child("our pediatrician said my 18 month old should see EI")
    assert not about_own_child("my 4 years of experience in acute care")
    earlier = [Turn("user", "my kid has an IEP"), Turn("assistant", "IEPs... [1]")]
    assert about_own_child("how often is it reviewed?", earlier)
    assert not about_own_child("do school OTs work with kids?")
    assert not about_own_child("can my patients' kids visit?")
    # A parent who says so without naming the child
    assert about_own_child("im a parent - will the school OT pull him out of class?")
    assert about_own_child("parent here, what happens at an IEP meeting")
    assert not about_own_child("as a new grad, would i get a mentor?")
    # or who speaks of a child's own school services
    assert about_own_child("hes starting high school next year, will his school OT change?")
    assert not about_own_child("candidate asks if her license transfers to Ohio")
    # A grown child choosing a career in therapy is not a child receiving services
    assert not about_own_child("my daughter is finishing her OT program, is there a NICU cert?")
    assert not about_own_child("my son wants to become a COTA, how long does it take?")
    assert not about_own_child("my daughter is in OT school. will a hospital job help later?")
    assert about_own_child("my son is in high school. will his school OT write a letter for college?")
    # An asker who works in therapy asks about their career, whatever their children do
    assert not about_own_child("ok different question, I am an OT myself. how long are contracts?",
                               earlier)
    assert not about_own_child("six years in skilled nursing and my kids start school next year, "
                               "would school-based OT fit me?")
    assert about_own_child("im a teacher and my son has an IEP, what does OT work on with him?")


def test_a_message_that_tells_its_context_is_matched_on_its_one_question():
    from bot.answer.rewriting import focus

    assert focus("what do districts look for in a school OT? all my experience is with adults") == (
        "what do districts look for in a school OT?"
    )
    assert focus("In the hospital it's insurance. what drives services in a school?") == (
        "what drives services in a school?"
    )
    # "is there" says that something exists; it points back at no place
    assert focus("is there a max caseload for school ots? my friend has 70 kids") == (
        "is there a max caseload for school ots?"
    )
    kept = [
        "we moved to Ohio. do school OTs get paid more there?",  # "there": the place told
        "my professor mentions MTSS. what is that about?",  # points back at its context
        "i love kids and want variety. which setting fits me?",  # "me" is the context
        "is the compact live yet? can i use it for telehealth",  # two questions
        "what counts as IADLs? like what would a geri OT work on",  # goes on with the question
        "what do school OTs do?",  # one sentence
    ]
    for message in kept:
        assert focus(message) == message
    earlier = [Turn("user", "do school OTs get summers off?"), Turn("assistant", "Often [1].")]
    assert focus("ok. and in clinics?", earlier) == "ok. and in clinics?"  # a follow-up


def test_news_then_a_question_about_what_was_said_before_is_a_follow_up():
    """"hes starting high school next year, will it change?": the asking clause points back and
    names nothing of its own, so the earlier question is its subject; a clause that names its
    own subject ("will it cover OT?", about the IEP just named) stands alone."""
    skills = [Turn("user", "what skills does school OT work on?"), Turn("assistant", "...")]
    for question in (
        "hes starting high school next year, will it change?",
        "she's only 3 - is that too young?",
    ):
        assert is_followup(question, skills)
        assert "what skills does school OT work on" in rewrite(question, skills)
    for question in (
        "my son has an IEP, will it cover OT?",
        "I love working with kids, is that possible in a clinic?",
    ):
        assert not is_followup(question, skills)
    assert not is_followup("hes starting high school next year, will it change?", [])


def test_a_part_of_what_was_said_before_named_with_the_is_a_follow_up():
    license = [Turn("user", "do I need a state license after the NBCOT?"), Turn("assistant", "...")]
    assert is_followup("how long does the state part usually take?", license)
    assert is_followup("what's the positioning part for?", license)
    assert "state license after the NBCOT" in rewrite("how long does the state part take?", license)
    # a part named with its whole is a question of its own
    assert not is_followup("what is the hardest part of school OT for new grads?", license)


def test_a_comparison_before_a_dash_is_the_subject_not_framing():
    # "ot" names an asker in "new grad ot here -", not in a comparison of settings
    assert strip_framing("school based vs clinic ot - what ages do u work with in each?") == (
        "school based vs clinic ot - what ages do u work with in each?"
    )
    assert strip_framing("new grad OT - do school jobs take new grads?") == (
        "do school jobs take new grads?"
    )


def test_options_offered_for_a_question_are_part_of_it():
    message = "peds clinic vs school ot - who pays? insurance or the district?"
    assert questions_of(message) == [message]


def test_a_reaction_to_the_last_answer_then_a_question_is_a_follow_up():
    licence = [
        Turn("user", "do i need a license in every state to do telehealth?"),
        Turn("assistant", "..."),
    ]
    question = "ugh that sounds expensive. does anyone help cover the cost?"
    assert is_followup(question, licence)
    assert rewrite(question, licence) == (
        "does anyone help cover the cost (do i need a license in every state to do telehealth)?"
    )
    # a statement of its own before the question is no reaction to the answer
    assert not is_followup("i live in ohio. does anyone help cover the cost of licenses?", licence)


def test_a_message_asking_several_things_is_split_into_its_questions():
    assert questions_of(
        "Do school OTs get summers off? What do clinical OTs do all day?"
    ) == ["Do school OTs get summers off?", "What do clinical OTs do all day?"]
    # A recruiter's framing goes, and a second question joined by "and" is its own.
    assert questions_of(
        "Candidate asks whether school OT jobs come with summers off and how the schedule "
        "compares to clinic jobs."
    ) == ["school OT jobs come with summers off", "how the schedule compares to clinic jobs."]
    # "also" or "and" only joins the next question; it is not the lead of a follow-up.
    assert questions_of(
        "can i specialize in neuro if i go clinical? also do clinic ots work year round"
    ) == ["can i specialize in neuro if i go clinical?", "do clinic ots work year round"]


def test_a_part_about_the_person_or_on_a_policy_topic_is_its_own_question():
    pay = lambda part: "pay" in part  # noqa: E731 - the scope policy's check, in small
    # "she" is the candidate asked about, not something said before.
    assert questions_of(
        "candidate asks 2 things: what age range school OTs serve, and does she need a "
        "separate license to work in schools. draft reply"
    ) == ["what age range school OTs serve", "does she need a separate license to work in schools."]
    # A part on a policy topic stands alone however little it names: its policy answers it.
    message = "do school OTs work with teachers a lot? also whats the pay like"
    assert questions_of(message) == [message]
    assert questions_of(message, None, pay) == [
        "do school OTs work with teachers a lot?", "whats the pay like"
    ]
    # Describing the asker is no second question, whoever "she" is.
    told = "recruiter here - candidate just graduated from an OTA program and is asking which " \
        "NBCOT exam she takes"
    assert questions_of(told, None, lambda part: "NBCOT" in part) == [told]
    # The framing that asked the first part went with it: "he" is the candidate.
    assert questions_of(
        "he's asking if he has to work weekends in acute care and what the hourly rate is", None,
        lambda part: "rate" in part,
    ) == ["he has to work weekends in acute care", "what the hourly rate is"]
    # A sentence that tells is still no question.
    context = "drafting a reply to a candidate - she's thinking about going PRN for the higher " \
        "rate. does PRN usually come with benefits?"
    assert questions_of(context, None, lambda part: "rate" in part) == [context]


def test_a_word_on_the_replys_length_or_form_is_framing():
    assert strip_framing("and what are the upsides of clinical vs school? keep it short") == (
        "and what are the upsides of clinical vs school?"
    )
    assert strip_framing("do travel OT assignments come with housing stipends, quick draft") == (
        "do travel OT assignments come with housing stipends"
    )
    assert strip_framing("what school districts look for when they hire OTs. draft pls") == (
        "what school districts look for when they hire OTs."
    )
    assert strip_framing("what is a school OT draft like") == "what is a school OT draft like"
    # its tone too: "friendly" is no word of the question
    assert strip_framing(
        "candidate asks what equipment she needs for a remote OT job, draft a friendly reply"
    ) == "what equipment she needs for a remote OT job"
    assert strip_framing("do IRFs hire new grads? keep it short and friendly") == (
        "do IRFs hire new grads?"
    )
    assert strip_framing("which is more casual, school or clinic?") == (
        "which is more casual, school or clinic?"
    )
    assert asks_for_brevity("and what are the upsides of clinical vs school? keep it short")


def test_parts_that_lean_on_each_other_or_tell_context_stay_one_message():
    for message in (
        "Do school OTs get summers off? And how does that compare to clinics?",  # points back
        "What do districts look for in a school OT? All my experience is with adults.",
        "is it paid? what about the hours?",  # too little of their own
        "Do school OTs get summers off? And what about clinics?",  # leans on the first
        "Do school OTs get summers off or do they work year-round?",  # one alternative
    ):
        assert questions_of(message) == [message]
    followup = [Turn("user", "Do school OTs get summers off?"), Turn("assistant", "Often [1].")]
    assert questions_of("and in clinics? what about hospitals?", followup) == [
        "and in clinics? what about hospitals?"
    ]


def test_a_comma_after_the_asker_telling_about_themselves_ends_the_context():
    from bot.answer.rewriting import focus

    assert focus("im a new grad, whats the difference between school based and clinical OT") == (
        "whats the difference between school based and clinical OT"
    )
    for kept in (
        "if i go school based, would i be stuck never specializing?",  # a condition
        "im a new grad, is that a problem?",  # points back at the context
        "as a COTA, can I?",  # names nothing of its own
    ):
        assert focus(kept) == kept


def test_which_one_and_a_pronoun_at_the_end_point_back():
    settings = [
        Turn("user", "whats school based OT like"), Turn("assistant", "..."),
        Turn("user", "and in clinics?"), Turn("assistant", "..."),
    ]
    assert is_followup("which one has better hours", settings)
    iep = [Turn("user", "what is an IEP"), Turn("assistant", "...")]
    assert is_followup("can OT help with sensory stuff as part of it?", iep)
    assert not is_followup("can OT help with sensory regulation at school?", iep)


def test_a_follow_up_borrows_the_earlier_question_as_understood():
    """The earlier question without its framing, and standalone when it was a follow-up too."""
    settings = [
        Turn("user", "whats school based OT like"), Turn("assistant", "..."),
        Turn("user", "and in clinics?"), Turn("assistant", "..."),
    ]
    assert rewrite("what about the hours", settings) == "the hours (whats clinical OT like)?"
    framed = [Turn("user", "candidate asks what clinical OTs can specialize in"),
              Turn("assistant", "...")]
    assert rewrite("and where could she work besides hospitals?", framed) == (
        "where could she work besides hospitals (what clinical OTs can specialize in)?"
    )


def test_a_choice_after_both_settings_were_asked_about_is_between_them():
    settings = [
        Turn("user", "whats school based OT like"), Turn("assistant", "..."),
        Turn("user", "and in clinics?"), Turn("assistant", "..."),
    ]
    assert rewrite("which one has better hours", settings) == (
        "which one has better hours (school or clinical OT)?"
    )
    # Only one setting so far: the choice leans on the last question.
    assert rewrite("which one has better hours", settings[:2]) == (
        "which one has better hours (whats school based OT like)?"
    )


def test_a_chain_of_follow_ups_borrows_with_one_level_of_parentheses():
    chain = [
        Turn("user", "what do clinical OTs do day to day?"), Turn("assistant", "..."),
        Turn("user", "what about their hours?"), Turn("assistant", "..."),
    ]
    standalone = rewrite("why is that?", chain)
    assert standalone == "why is that (their hours, what do clinical OTs do day to day)?"
    assert own_words(standalone) == "why is that"


def test_a_parent_typing_a_possessive_without_its_apostrophe_is_still_a_parent():
    from bot.answer.rewriting import about_own_child

    assert about_own_child("who sets my childs OT goals and how often are they checked")
    assert about_own_child("my sons teacher says he needs OT")
    assert not about_own_child("who sets a child's OT goals")


def test_an_alternative_question_is_its_two_questions_the_second_with_the_first_beside_it():
    assert alternatives_of("is school OT repetitive or is there some variety in the work?") == [
        "is school OT repetitive",
        "is there some variety in the work (is school OT repetitive)?",
    ]
    # The framing goes first; what it asked is the first alternative.
    assert alternatives_of(
        "recruiter here: candidate wants to know if she can start in EI or does she need peds "
        "experience first?"
    ) == ["she can start in EI", "does she need peds experience first (she can start in EI)?"]
    # "or" between words, "or not", a sentence that does not ask, a follow-up: no alternatives.
    for message in (
        "which gets summers off, school or clinic?",
        "do i need a license or not?",
        "i just moved here or was it?",
    ):
        assert alternatives_of(message) == [message]
    history = [Turn("user", "do school OTs get summers off?"), Turn("assistant", "Yes.")]
    assert alternatives_of("and in clinics or is that different?", history) == [
        "and in clinics or is that different?"
    ]


def test_a_pasted_email_gives_its_questions_without_greeting_or_signature():
    """A candidate's e-mail pasted as it came: the greeting and the signature are no questions,
    and a line that only tells is the context of the question after it (or before it, when it
    comes last)."""
    email = (
        "Hi Sam,\n\nThanks for reaching out!\nI'm finishing my MOT in May.\n"
        "Would an acute care hospital be a good first job for me?\n"
        "Do school OTs get summers off?\nI ask because I have kids.\n\nBest,\nJess"
    )
    assert pasted_questions(email) == [
        "I'm finishing my MOT in May. Would an acute care hospital be a good first job for me?",
        "Do school OTs get summers off? I ask because I have kids.",
    ]
    # A recruiter's own lines stay as written, one question each.
    assert pasted_questions("candidate asked about weekends in acute care\nquick reply: CHT hours") == [
        "candidate asked about weekends in acute care", "quick reply: CHT hours",
    ]
    assert pasted_questions("travel pay structure") == ["travel pay structure"]
    assert pasted_questions("Do agencies arrange housing?\nWhat is the salary in Ohio?") == [
        "Do agencies arrange housing?", "What is the salary in Ohio?",
    ]



def test_a_message_announcing_a_new_question_asks_afresh():
    """ "ok last q, ..." announces a question of its own: no follow-up of the one before, unless
    what follows points back itself ("another thing - is it paid?")."""
    pay = [Turn("user", "How much do school OTs make in Ohio?"), Turn("assistant", "Sorry.")]
    assert not is_followup("ok last q, what do IEP goals focus on", pay)
    assert strip_framing("ok last q, what do IEP goals focus on") == "what do IEP goals focus on"
    assert strip_framing("one more question - what is an IEP?") == "what is an IEP?"
    assert is_followup("another thing - is it paid?", pay)


def test_a_policy_is_read_from_a_follow_ups_own_words_when_they_ask_something_of_their_own():
    """A pay topic borrowed from the question before is no pay question when the follow-up
    names topics of its own; "and in texas?" names none, so it keeps the pay question."""
    assert policy_text("any tips for the nbcot exam (does an OTD pay more)?") == (
        "any tips for the nbcot exam"
    )
    assert policy_text("in texas (how much do school OTs make)?") == (
        "in texas (how much do school OTs make)?"
    )
    assert policy_text("Do school OTs get summers off?") == "Do school OTs get summers off?"


def test_sentences_that_only_tell_before_several_questions_are_each_questions_context():
    """'thinking of travel OT. how long are contracts and do i need a license in every state?':
    two questions, each read with what was told (it had been one question, and lost a part)."""
    assert questions_of(
        "thinking of travel OT. how long are contracts and do i need a license in every state?"
    ) == [
        "how long are contracts (thinking of travel OT)?",
        "do i need a license in every state (thinking of travel OT)?",
    ]
    # One question after what is told stays one message (`focus` reads it).
    told = "im a new grad. do school OTs get summers off?"
    assert questions_of(told) == [told]
