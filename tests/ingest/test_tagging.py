from bot.ingest.tagging import (
    is_comparison,
    named_setting,
    overall,
    setting_as_said,
    setting_of,
    settings_named,
    swap_setting,
)


def test_setting_of_reads_the_words_a_text_uses():
    assert setting_of("Goals focus on recovery, independence, and medical function") == "clinical"
    assert setting_of("Services driven by IEPs and educational law (IDEA)") == "school"
    assert setting_of("Some OTs work in schools and later in hospitals") == "both"
    assert setting_of("OTs help people thrive") == "general"


def test_a_setting_an_article_names_only_to_set_aside_is_not_what_it_is_about():
    outside = "Outside of schools, OTs practice in hospitals and outpatient clinics."
    assert setting_of(outside) == "clinical"
    instead = "Instead of a clinic or a classroom, your workplace is a family's living room."
    assert setting_of(instead) == "general"
    assert setting_of("OTs work in schools and hospitals.") == "both"
    assert settings_named("Where do OTs work outside of schools?") == set()


def test_overall_setting_of_parts():
    assert overall(["school", "general"]) == "school"
    assert overall(["school", "clinical"]) == "both"
    assert overall(["general", "both"]) == "both"
    assert overall([]) == "general"


def test_settings_named_and_comparisons():
    assert settings_named("school vs clinical OT goals?") == {"school", "clinical"}
    assert settings_named("Do school OTs get summers off?") == {"school"}
    assert named_setting("What do hospital OTs do all day?") == "clinical"
    assert named_setting("school or hospital?") is None
    assert is_comparison("school vs clinical OT goals?")
    assert is_comparison("How do schedules differ between school and clinical OT?")
    assert not is_comparison("Do school OTs get summers off?")


def test_a_setting_is_said_with_its_kind_or_bare():
    def is_word(word: str) -> bool:
        return word.lower() not in {"in", "a", "about", "what"}

    assert setting_as_said("what about in a peds clinic?", "clinical", is_word) == "peds clinic"
    assert setting_as_said("and in pediatric outpatient clinics?", "clinical", is_word) == (
        "pediatric outpatient clinics"
    )
    assert setting_as_said("and in clinics?", "clinical", is_word) is None
    assert setting_as_said("and in schools?", "clinical", is_word) is None


def test_swap_setting_replaces_only_the_names_of_the_setting():
    assert swap_setting("Do school OTs get summers off?", "school", "clinical") == (
        "Do clinical OTs get summers off?"
    )
    # "students" shows the setting but does not name it: it stays.
    assert swap_setting("Do school-based OTs see students daily?", "school", "clinical") == (
        "Do clinical OTs see students daily?"
    )
    assert swap_setting("Are hospital OTs busy?", "clinical", "school") == "Are school OTs busy?"
