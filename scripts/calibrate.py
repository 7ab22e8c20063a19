"""Calibrate the passage ranker (prompts/ranking.toml) and the answer/refuse decision
(prompts/refusal.toml) on the dev split.

1. Passage ranker. Every dev in-scope question is retrieved for, its candidate passages (paragraphs,
   whole lists with their lead-ins, table rows) are described by `scoring.passage_features`, and
   each is labelled by whether it holds the question's anchor (the passage that answers). A
   linear model is fitted listwise (`fit_listwise`: the answering passages' softmax share of
   their question's passages) and scaled into a probability; it orders passages in `compose`.
2. Decision. With that ranker, every dev question is run with the decision switched off and its
   evidence signals recorded (`scoring.evidence_signals`), labelled by whether the answer given
   then is right (in scope, right passage cited, key facts in it: the evaluation's own rule). A
   logistic model is fitted (L2-regularised, classes balanced, answering an out-of-scope question
   or answering wrong counted `--out-cost` times as bad as refusing a right answer), its cut-off
   folded into the bias so that the default floor of 0.5 applies.

Both print five-fold cross-validated dev figures beside the fitted ones, so that the gain of a
signal is judged on questions it was not fitted on. Questions the scope policy always refuses do
not depend on the decision and are left out. Test and external sets are never read here.

Usage: python scripts/calibrate.py [--sets evals/sets.toml] [--write]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answer.adapting import QueryAdapter  # noqa: E402
from bot.answer.refusal import PASSAGE_FEATURES, SIGNALS, RefusalModel  # noqa: E402
from bot.quality.evalsets import SetQuestion, has_text, judge, load_sets, materialise  # noqa: E402
from bot.service import Bot, build_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402

Question = tuple[Bot, SetQuestion]  # a bot for the question's corpus, and the question


def dev_questions(sets_path: Path, work: Path) -> list[Question]:
    """Every dev question of the project's own sets, with a bot over its own articles."""
    found: list[Question] = []
    shared: Bot | None = None
    bots: dict[tuple[Path, ...], Bot] = {}
    for s in load_sets(sets_path):
        if s.external:
            continue
        if s.corpus not in bots:
            folder = materialise(s.corpus, work)
            settings = Settings(
                corpus_dir=folder, index_dir=folder.parent / "index", relevance_floor=0.0
            )
            bots[s.corpus] = build_bot(settings, shared.embedder if shared else None)
            shared = shared or bots[s.corpus]
            bots[s.corpus].ingest(show_progress=False)
        found += [(bots[s.corpus], q) for q in s.load() if q.split == "dev"]
    return found


class CrossFit:
    """Gives each dev question the query adapter it would meet as a new question: for one the
    adapter was trained on (scripts/adapt.py), the fold's adapter that never saw its article;
    for any other, the shipped one. Likewise, once `rankers` is set, the passage ranker of the
    fold that never saw the question (`ranker` for a question no fold trained on). Without it,
    the decision would be calibrated on signals and answers the adapter and ranker had
    memorised, and trust new questions' weaker ones too much."""

    def __init__(self, path: Path) -> None:
        self.folds: dict[str, np.ndarray] = {}
        if path.is_file():
            saved = np.load(path)
            self.folds = dict(zip(saved["ids"].tolist(), saved["matrices"], strict=True))
        self.shipped: dict[int, QueryAdapter] = {}
        self.rankers: dict[str, RefusalModel] = {}
        self.ranker: RefusalModel | None = None

    def use(self, bot: Bot, q: SetQuestion) -> None:
        embed = bot.chain.embed_query
        shipped = self.shipped.setdefault(id(bot), embed.adapter)
        matrix = self.folds.get(q.id)
        embed.adapter = QueryAdapter(matrix) if matrix is not None else shipped
        embed.clear()
        if self.ranker is not None:
            composer = bot.chain.composer
            ranker = self.rankers.get(q.id, self.ranker)
            composer.policy = replace(composer.policy, ranker=ranker)


def passage_rows(
    questions: list[Question], cross: CrossFit
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[str]]:
    """Per in-scope question: its candidate passages' features and whether each holds the
    anchor; and the questions' ids."""
    groups, ids = [], []
    for bot, q in questions:
        if not q.in_scope or not q.anchor:
            continue
        cross.use(bot, q)
        features, labels = [], []
        for passage in bot.passages(q.question, q.turns(), q.mode):
            features.append([passage.features[name] for name in PASSAGE_FEATURES])
            labels.append(float(has_text(passage.text, q.anchor)))
        if features:
            groups.append((np.array(features), np.array(labels)))
            ids.append(q.id)
    return groups, ids


def decision_rows(
    questions: list[Question], cross: CrossFit
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Signals, labels (answer would be right), whether in scope, and ids of dev questions."""
    rows, labels, in_scope, ids = [], [], [], []
    for bot, q in questions:
        if q.kind == "adversarial":
            continue
        cross.use(bot, q)
        evidence = bot.evidence(q.question, q.turns())
        policy = evidence.out_of_scope
        if (policy is not None and not policy.unless_covered) or evidence.signals is None:
            continue
        rows.append([evidence.signals[name] for name in SIGNALS])
        # The decision should answer exactly when the answer would be right and cited.
        right = q.in_scope and judge(q, bot.ask(q.question, q.turns(), q.mode)).right
        labels.append(1.0 if right else 0.0)
        in_scope.append(q.in_scope)
        ids.append(q.id)
    return np.array(rows), np.array(labels), np.array(in_scope), ids


def fit(x: np.ndarray, y: np.ndarray, out_cost: float, l2: float = 0.01) -> tuple[np.ndarray, float]:
    """Weighted logistic regression by Newton's method."""
    n, d = x.shape
    weight = np.where(y == 1, 0.5 / y.mean(), out_cost * 0.5 / (1 - y.mean()))
    design = np.hstack([x, np.ones((n, 1))])
    beta = np.zeros(d + 1)
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (weight * (p - y)) / n + l2 * np.r_[beta[:-1], 0]
        hessian = (design.T * (weight * p * (1 - p))) @ design / n + l2 * np.diag(np.r_[np.ones(d), 0])
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def folds(n: int, k: int = 5) -> list[np.ndarray]:
    order = np.random.default_rng(0).permutation(n)
    return [order[f::k] for f in range(k)]


def top1(groups: list[tuple[np.ndarray, np.ndarray]], score: Callable[[np.ndarray], np.ndarray]) -> float:
    """Share of questions whose best-ranked passage holds the anchor."""
    return sum(float(y[int(np.argmax(score(x)))]) for x, y in groups) / max(1, len(groups))


# The ranker's L2 penalty. On dev (2026-11-27, 367 questions), cross-validated in-scope right
# and out-of-scope refused: 0.0001 0.689 / 0.971, 0.001 0.684 / 0.971, 0.01 0.654 / 0.962,
# 0.05 0.640 / 0.952; the pointwise fit it replaced 0.629 / 0.962.
RANKER_L2 = 0.001


def fit_listwise(part: list[tuple[np.ndarray, np.ndarray]], l2: float) -> tuple[np.ndarray, float]:
    """Fit the ranker to what it is for: putting an answering passage first among a question's
    passages. Its weights maximise the softmax probability of the answering passages within
    each question (a listwise fit: a pointwise one also spends itself on telling passages of
    different questions apart). A one-feature logistic fit over all passages then scales the
    score, so that sigmoid(score) is a probability that a passage answers, as `compose` (keep
    ratios) and the decision's "passage" signal read it. Questions with no answering passage
    among their candidates, or only answering ones, teach the order nothing."""
    from scipy.optimize import minimize  # comes with sentence-transformers

    useful = [(x, y) for x, y in part if y.any() and not y.all()]
    d = part[0][0].shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros(d)
        for x, y in useful:
            s = x @ w
            s = s - s.max()
            e = np.exp(s)
            p_all = e / e.sum()
            pos = y == 1
            p_pos = e[pos] / e[pos].sum()
            total += -np.log(e[pos].sum() / e.sum())
            grad += x.T @ p_all - x[pos].T @ p_pos
        n = len(useful)
        return total / n + l2 * w @ w, grad / n + 2 * l2 * w

    w = minimize(loss, np.zeros(d), jac=True, method="L-BFGS-B").x
    scores = np.concatenate([x @ w for x, _ in part])[:, None]
    a, c = fit(scores, np.concatenate([y for _, y in part]), 1.0)
    return w * a[0], c


def fit_ranker(
    groups: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, float, float, dict[int, RefusalModel]]:
    """Fit on every group; also return the five-fold cross-validated top-1 accuracy and, for
    each group, the fold's ranker that never saw it."""
    right, held_out = 0.0, {}
    for held in folds(len(groups)):
        chosen = set(held.tolist())
        w, b = fit_listwise([g for i, g in enumerate(groups) if i not in chosen], RANKER_L2)
        right += top1([groups[i] for i in held], _linear(w, b)) * len(held)
        fold = RefusalModel(dict(zip(PASSAGE_FEATURES, w.tolist(), strict=True)), b)
        held_out.update({i: fold for i in chosen})
    w, b = fit_listwise(groups, RANKER_L2)
    return w, b, right / max(1, len(groups)), held_out


def _linear(w: np.ndarray, b: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: x @ w + b


def decision_cv(x: np.ndarray, y: np.ndarray, out_cost: float) -> np.ndarray:
    answered = np.zeros(len(y), dtype=bool)
    for held in folds(len(y)):
        train = np.setdiff1d(np.arange(len(y)), held)
        w, b = fit(x[train], y[train], out_cost)
        answered[held] = x[held] @ w + b >= 0
    return answered


def write_model(path: Path, header: list[str], names: tuple[str, ...], w: np.ndarray, b: float) -> None:
    lines = [*(f"# {line}" for line in header), f"bias = {b:.4f}", "", "[weights]"]
    lines += [f"{name} = {v:.4f}" for name, v in zip(names, w, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, default=ROOT / "evals" / "sets.toml")
    parser.add_argument("--work", type=Path, default=ROOT / ".tmp" / "calibrate")
    parser.add_argument("--out-cost", type=float, default=1.0)
    parser.add_argument("--write", action="store_true", help="write the two prompts/*.toml models")
    args = parser.parse_args()
    today = date.today().isoformat()
    questions = dev_questions(args.sets, args.work)
    cross = CrossFit(args.work / "adapter-folds.npz")
    print(f"query adapter: out-of-fold for {len(cross.folds)} dev questions (scripts/adapt.py)")

    groups, group_ids = passage_rows(questions, cross)
    current = questions[0][0].chain.composer.policy.ranker
    before = top1(groups, lambda x: x @ np.array([current.weights.get(n, 0.0) for n in PASSAGE_FEATURES]))
    w, b, cv, held_out = fit_ranker(groups)
    fitted = top1(groups, lambda x: x @ w + b)
    print(f"ranker: {len(groups)} dev questions; best passage holds the anchor: current {before:.3f}, "
          f"fitted {fitted:.3f}, five-fold cross-validated {cv:.3f}")
    for name, v in zip(PASSAGE_FEATURES, w, strict=True):
        print(f"  {name:18} {v:+.3f}")
    ranker = RefusalModel(dict(zip(PASSAGE_FEATURES, w.tolist(), strict=True)), b)
    if args.write:
        write_model(ROOT / "prompts" / "ranking.toml", [
            "The passage ranker (bot/answer/scoring.py passages_of), fitted by scripts/calibrate.py on the",
            f"dev split only ({today}: {len(groups)} in-scope questions, label = the passage holds the",
            f"question's anchor). Best passage right: fitted {fitted:.3f}, cross-validated {cv:.3f}.",
        ], PASSAGE_FEATURES, w, b)
    # Refit the decision over the new ranker's answers, each question's from a ranker that
    # never saw it.
    cross.ranker = ranker
    cross.rankers = {group_ids[i]: fold for i, fold in held_out.items()}

    x, y, in_scope, ids = decision_rows(questions, cross)
    weights, bias = fit(x, y, args.out_cost)
    answered = x @ weights + bias >= 0
    held = decision_cv(x, y, args.out_cost)
    in_rate, out_rate = answered[y == 1].mean(), (~answered[y == 0]).mean()
    print(f"decision: {int(y.sum())} dev questions answered right with no refusal, "
          f"{int((1 - y).sum())} out of scope or answered wrong")
    print(f"  fitted: answers {in_rate:.3f} of the first, refuses {out_rate:.3f} of the second")
    print(f"  cross-validated: answers {held[y == 1].mean():.3f}, refuses {(~held[y == 0]).mean():.3f}")
    print(f"  cross-validated dev: in-scope right {(held & (y == 1)).sum() / in_scope.sum():.3f}, "
          f"out-of-scope refused {(~held[~in_scope]).mean():.3f} (of those the scope policy "
          f"leaves to the decision)")
    for name, v in zip(SIGNALS, weights, strict=True):
        print(f"  {name:15} {v:+.3f}")
    print(f"  {'bias':15} {bias:+.3f}")
    z = x @ weights + bias
    for i in np.argsort(-np.abs(z)):
        if answered[i] != bool(y[i]):
            print(f"  wrong: {ids[i]} p={1 / (1 + math.exp(-z[i])):.2f} {'in' if y[i] else 'out'}")
    if args.write:
        write_model(ROOT / "prompts" / "refusal.toml", [
            "The answer/refuse decision (bot/answer/refusal.py), fitted by scripts/calibrate.py on the dev",
            f"split only ({today}: {int(y.sum())} questions answered right with no refusal, "
            f"{int((1 - y).sum())} out of scope or answered wrong;",
            f"cost of a wrong answer {args.out_cost}). On dev it answers {in_rate:.3f} of the first and "
            f"refuses {out_rate:.3f} of the second",
            f"(cross-validated: {held[y == 1].mean():.3f} and {(~held[y == 0]).mean():.3f}).",
        ], SIGNALS, weights, bias)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
