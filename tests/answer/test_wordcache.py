import gzip

from bot.answer.lexical import WordCounts
from bot.answer.wordcache import FILE, counts_key, load_counts, save_counts

TEXTS = ["School OTs follow the school calendar.", "Clinic OTs work year-round."]


def test_counts_come_back_as_they_were_saved(tmp_path):
    counts = WordCounts.of(TEXTS)
    key = counts_key(["a", "b"])
    assert save_counts(tmp_path, key, counts)
    assert load_counts(tmp_path, key) == counts
    assert [p.name for p in tmp_path.iterdir()] == [FILE]  # no temporary file left behind


def test_counts_of_other_chunks_or_a_damaged_file_are_not_used(tmp_path):
    key = counts_key(["a", "b"])
    assert counts_key(["b", "a"]) == key  # the chunks, in any order
    save_counts(tmp_path, key, WordCounts.of(TEXTS))
    assert load_counts(tmp_path, counts_key(["a", "c"])) is None  # another index's counts
    (tmp_path / FILE).write_bytes(gzip.compress(b'{"format": 1, "key": "'))
    assert load_counts(tmp_path, key) is None
    (tmp_path / FILE).write_bytes(b"not gzip")
    assert load_counts(tmp_path, key) is None
    assert load_counts(tmp_path / "missing", key) is None


def test_an_unwritable_folder_is_no_error(tmp_path):
    assert not save_counts(tmp_path / "missing", "k", WordCounts.of(TEXTS))
