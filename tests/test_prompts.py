from pathlib import Path

import pytest

from bot.answer.scope import load_glossary, load_scope
from bot.prompts import PROMPTS_DIR, PromptError, load_wording


def test_shipped_prompt_files_load():
    assert load_wording().refusal.handoff
    assert (
        load_scope(PROMPTS_DIR / "scope.toml").check("What is the average salary?").topic
        == "pay and salary"
    )
    assert load_scope(PROMPTS_DIR / "scope.toml").check("What does IEP mean?") is None
    assert "skilled nursing" in load_glossary(PROMPTS_DIR / "glossary.toml").expand(
        "Do OTs work in SNFs?"
    )


def test_broken_prompt_file_names_the_field(tmp_path: Path):
    path = tmp_path / "answer.toml"
    path.write_text('[candidate]\nlead = "Hi"\n')
    with pytest.raises(PromptError, match="candidate.lead_comparison"):
        load_wording(path)


def test_glossary_expands_only_abbreviations():
    glossary = load_glossary(PROMPTS_DIR / "glossary.toml")
    assert glossary.expand("I have an idea") == "I have an idea"
    assert "Individuals with Disabilities" in glossary.expand("What is IDEA?")


def test_glossary_only_spells_out_abbreviations():
    glossary = load_glossary(PROMPTS_DIR / "glossary.toml")
    assert glossary.expand("What does a school OT do?") == "What does a school OT do?"
    assert "skilled nursing" in glossary.expand("Do OTs work in SNFs?")
