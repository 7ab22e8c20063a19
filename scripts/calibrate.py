"""Calibrate the answer/refuse decision (prompts/refusal.toml) on the dev split.

Every dev question of evals/sets.toml is run against its own articles with the decision switched
off, and its evidence signals are recorded (see `bot.composing.evidence_signals`), labelled by
whether the answer given then is right (in scope, right passage cited, key facts in it: the
evaluation's own rule). A logistic model is fitted (L2-regularised, classes balanced, answering an out-of-scope question counted
`--out-cost` times as bad as refusing an in-scope one), its cut-off folded into the bias so that
the default floor of 0.5 applies, and written with the dev figures it gives. Questions the scope
policy always refuses do not depend on the decision and are left out. Test and external sets are
never read here.

Usage: python scripts/calibrate.py [--sets evals/sets.toml] [--write]
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bot import build_bot  # noqa: E402
from bot.evalsets import judge, load_sets, materialise  # noqa: E402
from bot.refusal import SIGNALS  # noqa: E402
from bot.settings import Settings  # noqa: E402


def collect(sets_path: Path, work: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rows, labels, ids = [], [], []
    shared = None
    for s in load_sets(sets_path):
        if s.external:
            continue
        folder = materialise(s.corpus, work)
        settings = Settings(corpus_dir=folder, index_dir=folder.parent / "index", relevance_floor=0.0)
        bot = build_bot(settings, shared.embedder if shared else None)
        shared = shared or bot
        bot.ingest(show_progress=False)
        for q in s.load():
            if q.split != "dev" or q.kind == "adversarial":
                continue
            evidence = bot.evidence(q.question, q.turns())
            policy = evidence.out_of_scope
            if (policy is not None and not policy.unless_covered) or evidence.signals is None:
                continue
            rows.append([evidence.signals[name] for name in SIGNALS])
            # The decision should answer exactly when the answer would be right and cited.
            right = q.in_scope and judge(q, bot.ask(q.question, q.turns(), q.mode)).right
            labels.append(1.0 if right else 0.0)
            ids.append(q.id)
    return np.array(rows), np.array(labels), ids


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, default=ROOT / "evals" / "sets.toml")
    parser.add_argument("--work", type=Path, default=ROOT / ".tmp" / "calibrate")
    parser.add_argument("--out-cost", type=float, default=0.75)
    parser.add_argument("--write", action="store_true", help="write prompts/refusal.toml")
    args = parser.parse_args()
    x, y, ids = collect(args.sets, args.work)
    weights, bias = fit(x, y, args.out_cost)
    z = x @ weights + bias
    answered = z >= 0
    in_rate = answered[y == 1].mean()
    out_rate = (~answered[y == 0]).mean()
    print(f"dev: {int(y.sum())} answerable right, {int((1 - y).sum())} to refuse")
    print(f"answers {in_rate:.3f} of the first, refuses {out_rate:.3f} of the second")
    for name, w in zip(SIGNALS, weights, strict=True):
        print(f"  {name:15} {w:+.3f}")
    print(f"  {'bias':15} {bias:+.3f}")
    for i in np.argsort(-np.abs(z)):
        wrong = answered[i] != bool(y[i])
        if wrong:
            print(f"  wrong: {ids[i]} p={1 / (1 + math.exp(-z[i])):.2f} {'in' if y[i] else 'out'}")
    if args.write:
        lines = [
            "# The answer/refuse decision (bot/refusal.py), fitted by scripts/calibrate.py on the dev",
            f"# split only ({date.today().isoformat()}: {int(y.sum())} questions answered right with "
            f"no refusal, {int((1 - y).sum())} out of scope or answered wrong; cost of a wrong "
            f"answer {args.out_cost}).",
            f"# On dev it answers {in_rate:.3f} of the first and refuses {out_rate:.3f} of the second.",
            f"bias = {bias:.4f}",
            "",
            "[weights]",
            *(f"{name} = {w:.4f}" for name, w in zip(SIGNALS, weights, strict=True)),
            "",
        ]
        (ROOT / "prompts" / "refusal.toml").write_text("\n".join(lines), encoding="utf-8")
        print("wrote prompts/refusal.toml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
