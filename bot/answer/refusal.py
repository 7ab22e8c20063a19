"""The answer/refuse decision: a logistic model over evidence signals, calibrated on dev.

No single score separates "the articles answer this" from a near miss: a paraphrase shares few
words but much meaning, a near miss ("...in Texas?") shares most words but lacks the one that
matters. `scripts/calibrate.py` fits weights for several signals (see
`scoring.evidence_signals`) on the dev split only and writes them to `prompts/refusal.toml`;
the probability it gives is compared with `Settings.relevance_floor`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from bot.prompts import PromptError, read_toml

SIGNALS = (
    "unmatched", "similarity", "specific", "coverage", "known_coverage", "unknown", "missing",
    "chunk", "passage", "unmet", "named", "meaning_missing",
)
# What the passage ranker weighs for each passage (see `scoring.passage_features`).
PASSAGE_FEATURES = (
    "specific", "similarity", "mean_similarity", "lead_similarity", "coverage",
    "passage_coverage", "section_coverage", "rank", "chunk", "lexical", "row", "list",
    "other_setting", "anaphoric", "size", "own_coverage",
)


def sigmoid(z: float) -> float:
    """The logistic function, clamped so that no logit overflows."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class RefusalModel:
    """P(answerable) = sigmoid(bias + sum(weight * signal)). The defaults weigh meaning and words
    equally, as the single evidence score did before calibration."""

    weights: dict[str, float] = field(
        default_factory=lambda: {"similarity": 6.0, "coverage": 6.0}
    )
    bias: float = -6.8

    def probability(self, signals: dict[str, float]) -> float:
        return sigmoid(self.logit(signals))

    def logit(self, signals: dict[str, float]) -> float:
        return self.bias + sum(w * signals.get(name, 0.0) for name, w in self.weights.items())


def load_refusal_model(
    path: Path, known: tuple[str, ...] = SIGNALS, default: RefusalModel | None = None
) -> RefusalModel:
    """The calibrated model of prompts/refusal.toml (or, with `known` = PASSAGE_FEATURES, of
    prompts/ranking.toml); `default` (or the default decision) when the file is absent."""
    if not path.is_file():
        return default or RefusalModel()
    data = read_toml(path)
    try:
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        bias = float(data["bias"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PromptError(f"{path}: not a refusal model ({error})") from None
    unknown = set(weights) - set(known)
    if unknown:
        raise PromptError(f"{path}: unknown signals {sorted(unknown)} (known: {', '.join(known)})")
    return RefusalModel(weights, bias)
