import json
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.prompts import PROMPTS_DIR
from bot.quality.coverage import (
    CoverageReport,
    QuestionCoverage,
    Themes,
    coverage,
    load_question_bank,
    read_question_bank,
    to_csv,
    to_markdown,
)
from tests.conftest import ROOT

THEMES = Themes.load(PROMPTS_DIR / "themes.toml")


def test_question_bank_formats(tmp_path: Path):
    assert len(read_question_bank(ROOT / "evals" / "question_bank.txt")) >= 50
    csv_file = tmp_path / "bank.csv"
    csv_file.write_text("id,Question\n1,Do school OTs get summers off?\n2,\n3,What is an IEP?\n")
    assert read_question_bank(csv_file) == ["Do school OTs get summers off?", "What is an IEP?"]
    bad = tmp_path / "bank2.csv"
    bad.write_text("id,text\n1,hello\n")
    with pytest.raises(ValueError, match="no 'question' column"):
        read_question_bank(bad)
    with pytest.raises(ValueError, match="expected a .txt"):
        read_question_bank(tmp_path.joinpath("x.xlsx").resolve()) if tmp_path.joinpath(
            "x.xlsx"
        ).write_text("q") else None


def test_a_bank_file_as_people_write_one(tmp_path: Path):
    """Pasted list markers are no part of a question; repeats and comments are counted, not
    silently dropped; a .csv's own columns ride along; a file in another encoding is named."""
    txt = tmp_path / "bank.txt"
    txt.write_text("# mine\n1. What is IDEA?\n2) What is IDEA?\n- What is an IEP?\n• Pay?\n")
    bank = load_question_bank(txt)
    assert bank.questions == ["What is IDEA?", "What is an IEP?", "Pay?"]
    assert bank.skipped == ["1 repeated question", "1 comment line"] and not bank.extra
    csv_file = tmp_path / "bank.csv"
    csv_file.write_text("question,Expected,owner\nWhat is an IEP?,covered,ana\n# legal's,,\n")
    bank = load_question_bank(csv_file)
    assert bank.skipped == ["1 comment line"]  # a row commented out, as in a .txt bank
    assert bank.columns == ["Expected", "owner"]
    assert bank.extra == {"What is an IEP?": {"Expected": "covered", "owner": "ana"}}
    # A spreadsheet's tab- or semicolon-separated "CSV"; a row with no question is counted.
    for name, sep in (("tabs.csv", "\t"), ("semi.csv", ";")):
        sheet = tmp_path / name
        sheet.write_text(f"question{sep}expected\nWhat is an IEP?{sep}covered\n{sep}gap\n")
        bank = load_question_bank(sheet)
        assert bank.questions == ["What is an IEP?"] and bank.columns == ["expected"]
        assert bank.skipped == ["1 row with no question"]
    listed = tmp_path / "bank.md"
    listed.write_text("# Questions\n\n- What is an IEP?\n- Do school OTs get summers off?\n")
    assert load_question_bank(listed).questions == [
        "What is an IEP?", "Do school OTs get summers off?"
    ]
    # What Excel and Windows editors save: "Unicode text" (UTF-16) and ANSI (Windows-1252).
    wide = tmp_path / "unicode.txt"
    wide.write_bytes("What’s an IEP?\r\n".encode("utf-16"))
    assert load_question_bank(wide).questions == ["What’s an IEP?"]
    assert load_question_bank(wide).encoding == "UTF-16"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("question;owner\r\nCafé OT, is it real?;ana\r\n# note;x;;\r\n".encode("cp1252"))
    bank = load_question_bank(latin)
    assert bank.questions == ["Café OT, is it real?"]  # the '# note' row is a comment
    assert bank.skipped == ["1 comment line"] and bank.encoding == "Windows-1252"
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ValueError, match=r"image.txt: not a text file of questions .*CSV UTF-8"):
        load_question_bank(binary)


def test_coverage_statuses_gaps_and_structure(seed_bot):
    report = coverage(
        seed_bot,
        [
            "Do school OTs get summers off?",
            "What is the average salary for a school OT?",
            "How do I get licensed in Texas?",
            "Can OTs do teletherapy from home?",
        ],
        THEMES,
        extra={"Do school OTs get summers off?": {"expected": "covered"}},
    )
    by_question = {q.question: q for q in report.questions}
    summers = by_question["Do school OTs get summers off?"]
    assert summers.status == "covered" and "summers off" in summers.passage and summers.title
    # where in the article: the passage's section heading, shown beside its title
    assert summers.section and f"{summers.title} › {summers.section}" in to_markdown(report)
    assert by_question["What is the average salary for a school OT?"].status == "not_covered"
    themes = {g["theme"] for g in report.gaps}
    assert {"pay and salary", "licensure by state"} <= themes
    kinds = {(s["source"], s["kind"]) for s in report.structural}
    assert ("001_b929a526930e0778.txt", "missing_list") in kinds
    assert ("001_b929a526930e0778.txt", "no_date") in kinds
    answering = {a["source"]: a["answers"] for a in report.articles}
    assert "Do school OTs get summers off?" in answering["000_0cf32c824c74ae83.txt"]
    # What an article only comes close to is listed apart, never as answered.
    for article in report.articles:
        for question in article["answers"]:
            assert by_question[question].status == "covered"
        for question in article["partly"]:
            assert by_question[question].status == "partial"
    markdown = to_markdown(report)
    assert "summers off" in markdown and markdown.count("4 questions:") == 1
    assert "(1 question)" in markdown and "(1 questions)" not in markdown  # a theme of one
    assert "Do school OTs get summers off?" in markdown.split("## Questions each article")[1]
    assert "**Covered**: the chatbot answers it" in markdown  # what the verdicts mean
    rows = to_csv(report).splitlines()
    assert rows[0].startswith("question,status,score") and rows[0].endswith(",expected")
    assert next(r for r in rows if r.startswith("Do school OTs get summers")).endswith(",covered")


def test_coverage_agrees_with_the_chatbot_on_messages_asking_several_things(seed_bot):
    """A message the chatbot answers part by part is covered; one whose every part asks
    medical advice is not, as the chatbot refuses it whole."""
    several = "Do school OTs get summers off? also whats the pay like"
    medical = "my 4yo flaps his hands, does he have autism? should OT see him"
    report = coverage(seed_bot, [several, medical], THEMES)
    by_question = {q.question: q for q in report.questions}
    assert not seed_bot.ask(several).refused and seed_bot.ask(medical).refused
    assert by_question[several].status == "covered" and by_question[several].passage
    assert by_question[medical].status == "not_covered"


def test_a_gap_on_the_theme_of_an_existing_article_names_it(seed_bot):
    """A content team would otherwise write an article that exists."""
    from bot.quality.coverage import _Theme

    themes = Themes([_Theme(name="school settings", pattern=r"\bschools?\b",
                            suggestion="an article on school OT")])
    report = coverage(seed_bot, ["Is there a caseload cap for school OTs in Texas?"], themes)
    (gap,) = report.gaps
    titles = [a["title"] for a in report.articles if "school" in a["title"].lower()]
    assert titles and gap["existing"] == titles
    line = next(x for x in to_markdown(report).splitlines() if x.startswith("- **school settings"))
    assert all(f"“{title}”" in line for title in titles) and "on this theme already" in line


def test_app_log_questions_are_included(seed_bot):
    seed_bot.feedback.record_refusal("Do you sponsor visas for OTs?")
    report = coverage(seed_bot, ["What does IEP mean?"], THEMES, include_app_log=True)
    origins = {q.question: q.origin for q in report.questions}
    assert origins["Do you sponsor visas for OTs?"] == "refused"


def test_app_log_questions_no_article_could_answer_are_left_out_and_said(seed_bot):
    unrelated = ["whats the best lasagna recipe", "asdkjh qwe zzzz",
                 "does my son have autism?"]  # off topic, no words, medical advice
    for question in [*unrelated, "Do school OTs in Ohio get a mentor?"]:
        seed_bot.feedback.record_refusal(question)
    report = coverage(seed_bot, ["What does IEP mean?"], THEMES, include_app_log=True)
    asked = {q.question for q in report.questions}
    assert "Do school OTs in Ohio get a mentor?" in asked  # a gap an article could fill
    assert not asked & set(unrelated)
    (note,) = report.notes
    assert "questions the app logged left out as no gap" in note and "lasagna" in note
    # a bank's own questions are all reported, whatever they ask
    assert coverage(seed_bot, unrelated, THEMES).counts()["not_covered"] == 3


def test_coverage_cli_json_contract(seed_bot, tmp_path: Path, capsys):
    bank = tmp_path / "bank.txt"
    bank.write_text("# comment\nDo school OTs get summers off?\nWhat is the average salary?\n")
    code = main(
        [
            "coverage",
            "--corpus",
            str(seed_bot.settings.corpus_dir),
            "--index",
            str(tmp_path / "ix"),
            "--questions",
            str(bank),
            "--json",
            "--csv",
            str(tmp_path / "c.csv"),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert "left out 1 comment line" in captured.err
    assert set(data) == {"questions", "articles", "gaps", "structural"}
    first = data["questions"][0]
    assert {"question", "status", "title", "passage", "score"} <= set(first)
    assert first["status"] in ("covered", "partial", "not_covered")
    assert {"source", "kind", "text"} == set(data["structural"][0])
    assert (tmp_path / "c.csv").is_file()


def test_coverage_cli_bad_bank(tmp_path: Path, capsys):
    assert main(["coverage", "--questions", str(tmp_path / "none.txt")]) == 2
    assert "question bank not found" in capsys.readouterr().err


def test_the_best_passage_of_a_table_row_is_the_cell_the_question_is_about(seed_bot):
    """Both cells of a comparison row are quoted in the answer; the report's best passage is the
    one that matches (each cell keeps its own score), not the row's first column."""
    from bot.quality.coverage import assess

    clinics = assess(seed_bot, "Do OTs work year-round in clinics?")
    assert clinics.status == "covered" and clinics.passage.startswith("Year-round")


def test_a_partly_covered_gap_says_where_a_missing_fact_would_go():
    """A question the articles come close to is placed: the article and section of its closest
    passage, where the missing detail would be added (a newcomer could not act on the gaps)."""
    near = QuestionCoverage("How many AT hours for the ATP?", "partial", "Seating and the ATP",
                            "The required number of hours depends on the degree.", 0.4,
                            section="The ATP credential")
    gap = {"theme": "exams", "suggestion": "an article on exams", "existing": [],
           "not_covered": [], "partial": [near.question], "count": 1}
    markdown = to_markdown(CoverageReport([near], [], [gap], []))
    assert "closest in “Seating and the ATP” › The ATP credential" in markdown


def test_a_credentials_renewal_hours_are_no_question_about_working_hours():
    assert THEMES.of("How many continuing education hours renew the CDRS credential?").name == (
        "education and exams"
    )
    assert THEMES.of("how many hours a week do school OTs work?").name == "caseload and hours"
