"""The calibrated logistic models (answer/refuse decision, passage ranker) and loading them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.answer.refusal import (
    PASSAGE_FEATURES,
    SIGNALS,
    RefusalModel,
    load_refusal_model,
    sigmoid,
)
from bot.prompts import PROMPTS_DIR, PromptError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sigmoid_is_the_logistic_function_and_never_overflows():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(2.0) == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert sigmoid(2.0) + sigmoid(-2.0) == pytest.approx(1.0)
    assert 0.0 < sigmoid(-1e6) < 1e-12 and 1 - 1e-12 < sigmoid(1e6) <= 1.0


def test_the_logit_is_the_bias_plus_the_weighted_signals():
    model = RefusalModel({"similarity": 2.0, "unknown": -3.0}, bias=-1.0)
    assert model.logit({"similarity": 0.5, "unknown": 0.2}) == pytest.approx(-1.0 + 1.0 - 0.6)
    assert model.probability({"similarity": 0.5, "unknown": 0.2}) == pytest.approx(sigmoid(-0.6))
    # A signal the model does not weigh changes nothing; one it weighs but is absent counts 0.
    assert model.logit({"similarity": 0.5, "coverage": 9.0}) == pytest.approx(0.0)


def test_more_evidence_means_more_likely_answerable_with_the_default_model():
    model = RefusalModel()
    weak = model.probability({"similarity": 0.3, "coverage": 0.2})
    strong = model.probability({"similarity": 0.8, "coverage": 0.9})
    assert weak < 0.5 < strong


def test_the_shipped_models_load_and_weigh_only_known_signals():
    decision = load_refusal_model(PROMPTS_DIR / "refusal.toml")
    assert decision.weights and set(decision.weights) <= set(SIGNALS)
    assert decision != RefusalModel()  # the calibrated one, not the default
    ranker = load_refusal_model(PROMPTS_DIR / "ranking.toml", PASSAGE_FEATURES)
    assert ranker.weights and set(ranker.weights) <= set(PASSAGE_FEATURES)


def test_a_missing_file_gives_the_default_or_the_given_model(tmp_path: Path):
    assert load_refusal_model(tmp_path / "none.toml") == RefusalModel()
    fallback = RefusalModel({"specific": 1.0}, 0.0)
    assert load_refusal_model(tmp_path / "none.toml", PASSAGE_FEATURES, fallback) is fallback


def test_a_file_is_read_into_weights_and_bias(tmp_path: Path):
    path = write(tmp_path, "bias = -2.5\n\n[weights]\nsimilarity = 3\ncoverage = 1.5\n")
    assert load_refusal_model(path) == RefusalModel({"similarity": 3.0, "coverage": 1.5}, -2.5)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[weights]\nsimilarity = 1.0\n", "not a refusal model"),  # no bias
        ("bias = 1.0\n", "not a refusal model"),  # no weights
        ('bias = "high"\n[weights]\nsimilarity = 1.0\n', "not a refusal model"),
        ('bias = 1.0\n[weights]\nsimilarity = "a lot"\n', "not a refusal model"),
        ("bias = 1.0\n[weights]\nsalary = 1.0\n", r"unknown signals \['salary'\]"),
        ("bias = 1.0\n[weights\n", "not valid TOML"),
    ],
)
def test_a_broken_model_file_is_an_error_naming_the_file(tmp_path: Path, text, problem):
    path = write(tmp_path, text)
    with pytest.raises(PromptError, match=problem) as error:
        load_refusal_model(path)
    assert str(path) in str(error.value)


def test_passage_features_are_unknown_signals_for_the_decision(tmp_path: Path):
    path = write(tmp_path, "bias = 0.0\n[weights]\nrow = 1.0\n")
    with pytest.raises(PromptError, match="unknown signals"):
        load_refusal_model(path)
    assert load_refusal_model(path, PASSAGE_FEATURES).weights == {"row": 1.0}


def test_weights_that_are_not_a_table_are_an_error_naming_the_file(tmp_path: Path):
    path = write(tmp_path, "bias = 1.0\nweights = [1.0, 2.0]\n")
    with pytest.raises(PromptError, match="not a refusal model") as error:
        load_refusal_model(path)
    assert str(path) in str(error.value)
