"""Train the query adapter (prompts/query_adapter.npy, bot/answer/adapting.py) on the dev split.

Each dev in-scope question without history is paired with the stored sentences that hold its
anchor (the words of the passage that answers it). The adapter A is fitted so that unit(q + qA)
ranks those sentences above every other sentence of the question's articles (softmax over the
articles' sentences, temperature `--temperature`), with an L2 penalty `--l2` keeping A near zero.

Before writing, it prints five-fold cross-validated dev figures with whole articles held out
(no question about a held-out article is trained on), beside the same folds without the adapter:
the gain on articles the adapter never saw. Test and external sets are never read here.
Calibrate the ranker and the decision again afterwards (scripts/calibrate.py --write): the
adapted vectors change their signals.

Usage: python scripts/adapt.py [--sets evals/sets.toml] [--write]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from calibrate import dev_questions  # noqa: E402

from bot.quality.evalsets import has_text  # noqa: E402

OUT = ROOT / "prompts" / "query_adapter.npy"
FOLDS = "adapter-folds.npz"  # in --work


class Pairs:
    """Dev questions' vectors, and per article set its sentence vectors and each question's
    answering rows."""

    def __init__(self, sets: Path, work: Path) -> None:
        self.questions: list[np.ndarray] = []
        self.groups: list[int] = []  # which sentence matrix a question is ranked against
        self.answers: list[list[int]] = []
        self.articles: list[str] = []
        self.ids: list[str] = []
        self.sentences: list[np.ndarray] = []
        texts: list[list[str]] = []
        seen: dict[int, int] = {}
        for bot, q in dev_questions(sets, work):
            if not q.in_scope or not q.anchor or q.turns():
                continue
            if id(bot) not in seen:
                library = bot.chain.library
                stored = library.index.sentence_vectors_of(library.chunks)
                seen[id(bot)] = len(self.sentences)
                self.sentences.append(
                    np.concatenate([stored[c.id] for c in library.chunks if c.id in stored])
                )
                texts.append(
                    [s.text for c in library.chunks if c.id in stored for s in c.sentences]
                )
            group = seen[id(bot)]
            answers = [i for i, t in enumerate(texts[group]) if has_text(t, q.anchor)]
            if not answers:
                continue  # the anchor spans sentences: no one sentence to rank
            self.questions.append(bot.embedder.embed_few([q.question])[0])  # unadapted
            self.groups.append(group)
            self.answers.append(answers)
            self.articles.append(q.source or q.id)
            self.ids.append(q.id)


def train(pairs: Pairs, rows: list[int], l2: float, temperature: float, epochs: int) -> np.ndarray:
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(1)
    matrix = torch.zeros(
        (pairs.questions[0].shape[0],) * 2, dtype=torch.float32, requires_grad=True
    )
    optimiser = torch.optim.Adam([matrix], lr=1e-3)
    batches = []
    for group, sentences in enumerate(pairs.sentences):
        mine = [r for r in rows if pairs.groups[r] == group]
        if not mine:
            continue
        mask = torch.zeros(len(mine), len(sentences), dtype=torch.bool)
        for n, r in enumerate(mine):
            mask[n, pairs.answers[r]] = True
        questions = torch.tensor(np.stack([pairs.questions[r] for r in mine]))
        batches.append((questions, torch.tensor(sentences), mask))
    for _ in range(epochs):
        optimiser.zero_grad()
        loss = torch.zeros(())
        for questions, sentences, mask in batches:
            moved = questions + questions @ matrix
            moved = moved / moved.norm(dim=1, keepdim=True)
            logits = moved @ sentences.T / temperature
            right = torch.logsumexp(logits.masked_fill(~mask, -1e9), dim=1)
            loss = loss + (torch.logsumexp(logits, dim=1) - right).sum()
        loss = loss / len(rows) + l2 * (matrix**2).sum()
        loss.backward()
        optimiser.step()
    return matrix.detach().numpy()


def ranks(pairs: Pairs, rows: list[int], matrix: np.ndarray | None) -> np.ndarray:
    """Rank of each question's best answering sentence (0 = first)."""
    out = []
    for r in rows:
        q = pairs.questions[r]
        if matrix is not None:
            q = q + q @ matrix
            q = q / np.linalg.norm(q)
        scores = pairs.sentences[pairs.groups[r]] @ q
        out.append(int((scores > scores[pairs.answers[r]].max()).sum()))
    return np.array(out)


def summary(found: np.ndarray) -> str:
    return (f"MRR {np.mean(1 / (found + 1)):.3f}, first {np.mean(found == 0):.3f}, "
            f"in top 5 {np.mean(found < 5):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, default=ROOT / "evals" / "sets.toml")
    parser.add_argument("--work", type=Path, default=ROOT / ".tmp" / "calibrate")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--temperature", type=float, default=0.05)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = parser.parse_args()
    pairs = Pairs(args.sets, args.work)
    everyone = list(range(len(pairs.questions)))
    articles = sorted(set(pairs.articles))
    print(f"{len(everyone)} dev questions about {len(articles)} articles, each with a sentence "
          f"that holds its anchor")
    held, before = [], []
    out_of_fold: dict[str, np.ndarray] = {}  # question id -> the matrix not trained on its article
    for fold in range(5):
        out = set(articles[fold::5])
        test = [r for r in everyone if pairs.articles[r] in out]
        train_rows = [r for r in everyone if pairs.articles[r] not in out]
        matrix = train(pairs, train_rows, args.l2, args.temperature, args.epochs)
        held.append(ranks(pairs, test, matrix))
        before.append(ranks(pairs, test, None))
        out_of_fold |= {pairs.ids[r]: matrix for r in test}
    print(f"held-out articles, without the adapter: {summary(np.concatenate(before))}")
    print(f"held-out articles, with it:             {summary(np.concatenate(held))}")
    matrix = train(pairs, everyone, args.l2, args.temperature, args.epochs)
    print(f"all dev, fitted: {summary(ranks(pairs, everyone, matrix))} "
          f"(without: {summary(ranks(pairs, everyone, None))})")
    if args.write:
        np.save(OUT, matrix.astype(np.float16))
        print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} kB)")
        # For scripts/calibrate.py: a question the adapter was trained on is calibrated with the
        # fold's adapter that never saw its article, so its signals look like a new question's.
        folds = args.work / FOLDS
        ids = sorted(out_of_fold)
        np.savez(folds, ids=np.array(ids), matrices=np.stack([out_of_fold[i] for i in ids]))
        print(f"wrote {folds} (out-of-fold adapters for {len(ids)} questions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
