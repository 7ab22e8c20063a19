"""BM25 (Okapi) over an inverted index: the scores of `rank_bm25.BM25Okapi`, at a cost that
grows with the documents holding a query's words rather than with the whole corpus.

`rank_bm25` keeps one dict per document and scores a query word by visiting every document
in Python: ~10 ms a word at 100k chunks, and about a gigabyte of dicts. Here each word keeps
numpy arrays of the documents holding it and its count in each (its postings).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np


class Okapi:
    """BM25 with rank_bm25's Okapi parameters and idf floor (a word in more than half the
    documents gets `epsilon` x the average idf instead of a negative one)."""

    def __init__(
        self,
        documents: Sequence[Sequence[str]],
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
    ) -> None:
        self.k1, self.b = k1, b
        self.size = len(documents)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        lengths = np.zeros(self.size, dtype=np.float64)
        for number, words in enumerate(documents):
            lengths[number] = len(words)
            for word, count in Counter(words).items():
                holders, counts = postings.setdefault(word, ([], []))
                holders.append(number)
                counts.append(count)
        average = float(lengths.mean()) if self.size else 0.0
        # The part of the denominator that depends only on the document's length.
        self._norm = k1 * (1 - b + b * lengths / average) if average else lengths
        self._postings = {
            word: (np.asarray(holders, np.int32), np.asarray(counts, np.float64))
            for word, (holders, counts) in postings.items()
        }
        idf = {
            word: math.log(self.size - len(holders) + 0.5) - math.log(len(holders) + 0.5)
            for word, (holders, _) in postings.items()
        }
        floor = epsilon * (sum(idf.values()) / len(idf)) if idf else 0.0
        self.idf = {word: value if value >= 0 else floor for word, value in idf.items()}

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Every document's score for the query words (a repeated word counts again)."""
        total = np.zeros(self.size, dtype=np.float64)
        for word in query:
            found = self._postings.get(word)
            if found is None or not self.idf[word]:
                continue
            holders, counts = found
            total[holders] += (
                self.idf[word] * counts * (self.k1 + 1) / (counts + self._norm[holders])
            )
        return total
