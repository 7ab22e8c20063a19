"""The word counts of a large index, kept beside it so that loading it does not count again.

Counting every sentence's words (`lexical.WordCounts.of`) takes about 22 s for 100k chunks of
real sentences, each time a process loads the index. The counts depend only on the chunks'
texts, which their ids hash (`chunking.chunk_id`), and on the counting code: the file records a
key made of both and is used only when the key matches. It is plain gzipped JSON, never
unpickled, written to a temporary file and renamed, so a reader sees the old file or the new
one whole. A file that cannot be read or written is ignored: the counts are then counted again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from bot.answer import lexical
from bot.answer.lexical import WordCounts

FILE = "word-counts.json.gz"
FORMAT = 2


def counts_key(chunk_ids: Iterable[str]) -> str:
    """A digest of the chunks (their ids hash their texts) and of the code that counts words."""
    digest = hashlib.sha256(f"format={FORMAT}\n".encode())
    digest.update(Path(lexical.__file__).read_bytes())
    for chunk_id in sorted(chunk_ids):
        digest.update(chunk_id.encode() + b"\n")
    return digest.hexdigest()


def load_counts(folder: Path, key: str) -> WordCounts | None:
    """The counts saved in `folder` under `key`, or None (no file, another key, unreadable)."""
    try:
        with gzip.open(folder / FILE, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        return WordCounts(
            int(data["documents"]),
            Counter(data["frequency"]),
            Counter(data["surface"]),
            Counter({(a, b): n for a, b, n in data["pairs"]}),
        )
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None


def save_counts(folder: Path, key: str, counts: WordCounts) -> bool:
    """Write the counts for the next load; False when the folder cannot be written."""
    data = {
        "format": FORMAT,
        "key": key,
        "documents": counts.document_count,
        "frequency": counts.frequency,
        "surface": counts.surface,
        "pairs": [[a, b, n] for (a, b), n in counts.pairs.items()],
    }
    try:
        handle, temporary = tempfile.mkstemp(prefix=".word-counts-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as raw, gzip.open(raw, "wt", compresslevel=1, encoding="utf-8") as stream:
                json.dump(data, stream, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, folder / FILE)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        return False
    return True
