import json
import os
import subprocess
import sys
from pathlib import Path

from bot.app.cli import main

CONTRACT_KEYS = ["articles", "chunks", "added", "updated", "removed", "unchanged", "seconds"]


def test_ingest_json_twice_reports_nothing_added_the_second_time(corpus: Path, tmp_path: Path):
    """Runs the installed `otbot` command itself, as a person would."""
    command = [
        sys.executable,
        "-m",
        "bot",
        "ingest",
        "--json",
        "--corpus",
        str(corpus),
        "--index",
        str(tmp_path / "ix"),
    ]
    first = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    second = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    assert list(first)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert first["added"] == first["chunks"] > 0
    assert second["added"] == 0 and second["unchanged"] == first["chunks"]
    assert isinstance(second["seconds"], float)


def test_missing_corpus_is_a_usage_error(tmp_path: Path, capsys):
    assert main(["ingest", "--corpus", str(tmp_path / "missing")]) == 2
    assert "corpus folder not found" in capsys.readouterr().err


def test_skipped_files_are_named_on_stderr(corpus: Path, tmp_path: Path, capsys):
    (corpus / "scan.pdf").write_bytes(b"%PDF")
    code = main(["ingest", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--strict"])
    captured = capsys.readouterr()
    assert code == 1
    assert "otbot: skipped scan.pdf: unsupported file type '.pdf'" in captured.err
    assert "2 articles" in captured.out
    # Away from a terminal, one line says the embedding has begun (a first ingest takes a while).
    assert "otbot: embedding" in captured.err


def test_an_article_renamed_to_a_type_otbot_cannot_read_is_named_as_removed(
    corpus: Path, tmp_path: Path, capsys
):
    index = str(tmp_path / "ix")
    assert main(["ingest", "--corpus", str(corpus), "--index", index]) == 0
    article = next(p for p in sorted(corpus.glob("*.txt")))
    article.rename(article.with_suffix(".pdf"))
    capsys.readouterr()
    assert main(["ingest", "--corpus", str(corpus), "--index", index]) == 0
    err = capsys.readouterr().err
    assert f"otbot: skipped {article.stem}.pdf: unsupported file type '.pdf'" in err
    assert (
        f"otbot: removed {article.name} from the index: it is no longer in the corpus "
        f"({article.stem}.pdf, skipped above, is there instead)"
    ) in err


def test_env_settings_are_used_when_options_are_absent(
    corpus: Path, tmp_path: Path, monkeypatch, capsys
):
    monkeypatch.setenv("OTBOT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("OTBOT_INDEX_DIR", str(tmp_path / "from-env"))
    assert main(["ingest", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 2
    assert (tmp_path / "from-env" / "articles.json").is_file()


def test_ask_json_and_bad_questions(seed_bot, capsys):
    index = str(seed_bot.settings.index_dir)
    assert main(["ask", "--index", index, "--json", "Do school OTs get summers off?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (
        data["refused"] is False and data["citations"][0]["quote"] in data["citations"][0]["chunk"]
    )
    assert main(["ask", "--index", index, "   "]) == 2
    assert "the question is empty" in capsys.readouterr().err
    assert main(["ask", "--index", index, "x" * 2001]) == 2
    assert "limit is 2000" in capsys.readouterr().err


def test_a_refusal_at_the_terminal_says_where_to_reach_a_recruiter(seed_bot, capsys):
    """A one-shot command cannot take a "yes" to "would you like us to connect you?"."""
    from bot.app.cli import CLI_HANDOFF

    index = str(seed_bot.settings.index_dir)
    assert main(["ask", "--index", index, "Do travel OT jobs come with housing stipends?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(seed_bot.wording.refusal.candidate)
    assert seed_bot.wording.refusal.handoff not in out and CLI_HANDOFF in out
    assert main(["ask", "--index", index, "--json", "Do travel OT jobs come with housing stipends?"]) == 0
    data = json.loads(capsys.readouterr().out)  # the JSON contract keeps the chat's wording
    assert data["refused"] and data["answer"].endswith(seed_bot.wording.refusal.handoff)


def test_a_recruiter_picks_tone_and_detail_on_the_command_line_and_per_jsonl_line(
    seed_bot, tmp_path: Path, capsys
):
    formal_opening = seed_bot.wording.recruiter.tone("formal").opening
    index = str(seed_bot.settings.index_dir)
    question = "What are the advantages of clinical OT?"
    assert main(["ask", "--index", index, "--mode", "recruiter", "--json", question]) == 0
    standard = json.loads(capsys.readouterr().out)
    argv = ["ask", "--index", index, "--mode", "recruiter", "--json", "--tone", "formal"]
    assert main([*argv, "--detail", "short", question]) == 0
    short = json.loads(capsys.readouterr().out)
    assert short["answer"].startswith(formal_opening)
    assert len(short["citations"]) < len(standard["citations"])
    assert main(["ask", "--index", index, "--tone", "chill", question]) == 2
    assert "unknown tone 'chill' (expected formal or friendly)" in capsys.readouterr().err
    lines = tmp_path / "q.jsonl"
    lines.write_text(
        json.dumps({"question": question, "mode": "recruiter", "tone": "formal"}) + "\n"
        + json.dumps({"question": question, "detail": "huge"}) + "\n",
        encoding="utf-8",
    )
    assert main(["ask", "--index", index, "--jsonl", str(lines)]) == 0
    first, second = (json.loads(x) for x in capsys.readouterr().out.splitlines())
    assert first["answer"].startswith(formal_opening)
    assert second == {"id": None, "line": 2, "error": "unknown detail 'huge' (expected short, standard, detailed)"}


def test_ask_jsonl_answers_in_order_and_reports_bad_lines(seed_bot, tmp_path: Path, capsys):
    requests = tmp_path / "requests.jsonl"
    requests.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "question": "What does IEP mean?"}),
                "not json",
                json.dumps({"id": "c", "question": ""}),
                json.dumps(
                    {
                        "id": "d",
                        "question": "and in clinics?",
                        "history": [{"role": "user", "content": "Do school OTs get summers off?"}],
                        "mode": "recruiter",
                    }
                ),
            ]
        )
    )
    assert main(["ask", "--index", str(seed_bot.settings.index_dir), "--jsonl", str(requests)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, "c", "d"]
    assert "error" in lines[1] and lines[1]["line"] == 2
    assert lines[2]["error"] == "the question is empty"
    assert lines[3]["mode"] == "recruiter" and not lines[3]["refused"]


def test_ask_on_an_empty_index_says_what_to_do(tmp_path: Path, capsys):
    assert main(["ask", "--index", str(tmp_path / "none"), "What does IEP mean?"]) == 2
    assert "run `otbot ingest` first" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()  # asking creates no index folder
    (tmp_path / "empty").mkdir()
    assert main(["ask", "--index", str(tmp_path / "empty"), "What does IEP mean?"]) == 2
    assert "is empty: run `otbot ingest` first" in capsys.readouterr().err


def test_bad_bytes_and_surrogates_are_reported_line_by_line(seed_bot, tmp_path: Path):
    """Through real processes: argv and stdin carry the broken bytes as a client would send them."""
    otbot = [sys.executable, "-m", "bot", "ask", "--index", str(seed_bot.settings.index_dir)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    argv_bad = subprocess.run(
        [*otbot, b"school OT \xff\xfe pay?"], capture_output=True, env=env, timeout=120
    )
    assert argv_bad.returncode == 2 and b"not valid text" in argv_bad.stderr
    assert b"Traceback" not in argv_bad.stderr

    lines = b"\n".join(
        [
            json.dumps({"id": "a", "question": "What does IEP mean?"}).encode(),
            b'{"id": "b", "question": "\\ud800 pay?"}',  # a JSON escape of an unpaired surrogate
            b'{"id": "c", "question": "school OT \xff pay?"}',  # invalid UTF-8 on one line
            b"[" * 100_000 + b"]" * 100_000,  # nested far past any parser's limit
            json.dumps({"id": "e", "question": "Do school OTs get summers off?"}).encode(),
        ]
    )
    batch = subprocess.run(
        [*otbot, "--jsonl", "-"], input=lines, capture_output=True, env=env, timeout=120
    )
    assert batch.returncode == 0 and b"Traceback" not in batch.stderr
    out = [json.loads(line) for line in batch.stdout.decode("utf-8").splitlines()]
    assert [o.get("id") for o in out] == ["a", "b", "c", None, "e"]
    assert "answer" in out[0] and "answer" in out[4]
    assert all("not valid text" in o["error"] for o in out[1:3])
    assert "nested too deeply" in out[3]["error"] and out[3]["line"] == 4


def test_a_damaged_index_is_named_and_rebuilt_from_the_corpus(corpus: Path, tmp_path: Path):
    """Random bytes over the index's database and a broken manifest, through the real command."""
    import random

    index = tmp_path / "ix"
    base = [sys.executable, "-m", "bot"]
    ingest = [*base, "ingest", "--json", "--corpus", str(corpus), "--index", str(index)]
    ask = [*base, "ask", "--index", str(index), "Do school OTs get summers off?"]
    first = json.loads(subprocess.run(ingest, check=True, capture_output=True, text=True).stdout)

    database = index / "chroma" / "chroma.sqlite3"
    data = bytearray(database.read_bytes())
    rng = random.Random(1)
    for at in range(0, len(data), 512):
        data[at : at + 64] = bytes(rng.randrange(256) for _ in range(64))
    database.write_bytes(bytes(data))
    (index / "articles.json").write_text("{not json", encoding="utf-8")

    broken = subprocess.run(ask, capture_output=True, text=True)
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "cannot be read" in broken.stderr and "otbot ingest --rebuild" in broken.stderr

    repaired = subprocess.run(ingest, capture_output=True, text=True)
    assert repaired.returncode == 0, repaired.stderr
    report = json.loads(repaired.stdout)
    assert report["rebuilt"] and report["added"] == first["chunks"]
    assert "rebuilt it from the corpus" in repaired.stderr
    answered = subprocess.run(ask, capture_output=True, text=True)
    assert answered.returncode == 0 and "summers off" in answered.stdout

    forced = json.loads(
        subprocess.run([*ingest, "--rebuild"], check=True, capture_output=True, text=True).stdout
    )
    assert forced["added"] == first["chunks"] and forced["rebuilt"] == "asked for"


def _index_of_random_vectors(index_dir: Path, embedder, count: int = 3000) -> None:
    """A real Chroma index big enough that it keeps its vectors in HNSW segment files."""
    import numpy as np

    from bot.ingest.index import ChromaIndex
    from bot.models import Chunk, Sentence

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(count, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [
        Chunk(f"c{n}", f"a{n // 50}.md", "T", "P", None, None, "S", "both", n % 50, f"text {n}",
              (Sentence(f"Sentence {n}.", "sentence", "both", block=0),))
        for n in range(count)
    ]
    ChromaIndex(index_dir, embedder).add(chunks, vectors, vectors)


def _damaged_then_rebuilt(index_dir: Path, corpus: Path, reason: str = "") -> None:
    """`ask` names the damage and the fix; `ingest` rebuilds, saying why (containing `reason`);
    then the bot answers."""
    base = [sys.executable, "-m", "bot"]
    ask = [*base, "ask", "--index", str(index_dir), "Do school OTs get summers off?"]
    broken = subprocess.run(ask, capture_output=True, text=True, timeout=300)
    assert broken.returncode == 1, (broken.returncode, broken.stderr[-500:])
    assert "otbot ingest --rebuild" in broken.stderr

    ingest = [*base, "ingest", "--json", "--corpus", str(corpus), "--index", str(index_dir)]
    rebuilt = subprocess.run(ingest, capture_output=True, text=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr[-500:]
    why = json.loads(rebuilt.stdout)["rebuilt"]
    assert why and reason in why
    answered = subprocess.run(ask, capture_output=True, text=True, timeout=300)
    assert answered.returncode == 0 and "summers off" in answered.stdout


def test_garbage_in_the_vector_files_is_reported_and_rebuilt_not_a_crash(
    corpus: Path, tmp_path: Path, embedder
):
    """Garbage in Chroma's HNSW file made the search itself segfault; the command must survive."""
    import random

    index_dir = tmp_path / "ix"
    _index_of_random_vectors(index_dir, embedder)
    garbage = random.Random(3)
    for path in (index_dir / "chroma").glob("*/data_level0.bin"):
        data = bytearray(path.read_bytes())
        for at in range(0, len(data), 1000):
            data[at : at + 40] = bytes(garbage.randrange(256) for _ in range(40))
        path.write_bytes(bytes(data))
    # Which error Chroma meets depends on what the garbage hit ("HNSW ...", "Error getting
    # embedding"): any, so long as it is named and the index rebuilt.
    _damaged_then_rebuilt(index_dir, corpus)


def test_deleted_vector_segments_are_reported_and_rebuilt(corpus: Path, tmp_path: Path, embedder):
    """Records list fine without their vector segments ("unchanged"); only a search fails."""
    import shutil

    index_dir = tmp_path / "ix"
    _index_of_random_vectors(index_dir, embedder)
    for folder in (index_dir / "chroma").iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
    _damaged_then_rebuilt(index_dir, corpus, "Error finding id")


def test_a_reader_that_stops_early_gets_no_traceback(seed_bot, tmp_path: Path):
    """`otbot ask --jsonl ... | head -1`: the closed pipe ends the batch quietly."""
    lines = tmp_path / "q.jsonl"
    lines.write_text('{"question": "Do school OTs get summers off?"}\n' * 40, encoding="utf-8")
    index = str(seed_bot.settings.index_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--index", index, "--jsonl", str(lines)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert json.loads(process.stdout.readline())["refused"] is False
    process.stdout.close()  # the reader goes away
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in error and "BrokenPipe" not in error


def test_a_mistyped_option_a_folder_for_a_file_and_a_tone_for_a_candidate_are_named(
    seed_bot, tmp_path: Path, capsys
):
    import pytest

    with pytest.raises(SystemExit) as stopped:
        main(["coverage", "--qestions", "mine.txt"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "usage: otbot coverage" in err and "unrecognized arguments: --qestions" in err
    index = str(seed_bot.settings.index_dir)
    assert main(["ask", "--index", index, "--tone", "formal", "Do school OTs get summers off?"]) == 0
    assert "--tone shapes recruiter drafts" in capsys.readouterr().err
    assert main(["coverage", "--index", index, "--questions", str(tmp_path)]) == 2
    assert f"{tmp_path} is a folder" in capsys.readouterr().err


def test_coverage_reports_on_an_index_whose_corpus_folder_is_not_here(
    seed_bot, tmp_path: Path, capsys
):
    """Like `ask`, `coverage` needs only the index: away from the corpus it reports on the
    index as it is and says so; with neither, it names both."""
    questions = tmp_path / "bank.txt"
    questions.write_text("Do school OTs get summers off?\nHow much do travel OTs make?\n")
    index = str(seed_bot.settings.index_dir)
    missing = str(tmp_path / "no-corpus")
    report = tmp_path / "coverage.md"
    code = main(["coverage", "--corpus", missing, "--index", index, "--questions",
                 str(questions), "--markdown", str(report)])
    assert code == 0
    assert f"no corpus folder at {missing}: using the index at {index}" in capsys.readouterr().err
    assert "2 questions" in report.read_text()
    # said in the report too: whoever reads it may never see the terminal
    assert f"**Note:** made from the index at {index} as it was" in report.read_text()
    assert main(["coverage", "--corpus", missing, "--index", str(tmp_path / "none"),
                 "--questions", str(questions)]) == 2
    err = capsys.readouterr().err
    assert f"corpus folder not found: {missing}" in err and "no index at" in err
