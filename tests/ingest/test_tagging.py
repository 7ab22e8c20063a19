from bot.ingest.tagging import setting_of


def test_setting_of():
    assert setting_of("Goals focus on recovery, independence, and medical function") == "clinical"
    assert setting_of("Services driven by IEPs and educational law (IDEA)") == "school"
    assert setting_of("Some OTs work in schools and later in hospitals") == "both"
    assert setting_of("OTs help people thrive") == "general"
