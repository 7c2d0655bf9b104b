"""Helpers shared by the benchmark scripts: the model, the workspace, Presidio, small statistics.

The scripts run as ``.venv/bin/python bench/<script>.py``, so this folder is on ``sys.path`` and
they import this module as ``common``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import resource
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from checks import Workspace, demo_workspace_path, load_workspace
from checks.errors import ConfigError
from checks.model import load_english
from checks.policy import Policy, Terms, default_policy_path
from checks.registry import all_checks
from checks.workspace import load_accounts

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from spacy.language import Language

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
PII_DATA_FILE = Path("pii") / "presidio_generated_large.json"


def note(message: str) -> None:
    """A remark about the run (not a figure): goes to stderr so stdout stays the report."""
    print(f"note: {message}", file=sys.stderr)


# --- the model ------------------------------------------------------------------------------------


def load_model() -> tuple[Language, str]:
    """The English pipeline the checks use, and the package name it was loaded from."""
    status = load_english()
    if status.nlp is None or status.name is None:
        sys.exit(f"error: no language model: {status.problem}")
    return status.nlp, status.name


def model_version(nlp: Language) -> str:
    meta = nlp.meta
    name = f"{meta.get('lang', '?')}_{meta.get('name', '?')}"
    return f"{name} {meta.get('version', '?')} (spaCy {meta.get('spacy_version', '?')})"


def model_checks_registered() -> bool:
    """Whether any registered check needs the model (if none, the Checker never runs spaCy)."""
    return any(check.needs_model for check in all_checks())


# --- the workspace --------------------------------------------------------------------------------


def bench_workspace(*, open_terms: bool) -> Workspace:
    """The demo workspace; with ``open_terms`` its policy terms (public names, contacts...) are
    emptied so nothing in a test text is let through as the organisation's own.

    While the check modules are still being written the policy files may name checks that are not
    registered yet, and loading fails; then the demo accounts get a policy with every check at
    "warn" and the default phone regions, so the benchmarks still run.
    """
    try:
        workspace = load_workspace()
    except ConfigError as exc:
        note(f"the demo workspace does not load ({exc}); using its accounts with a permissive policy")
        return Workspace(
            demo_workspace_path(), load_accounts(demo_workspace_path() / "accounts.toml"), _permissive_policy()
        )
    if not open_terms:
        return workspace
    policy = dataclasses.replace(workspace.policy, terms=Terms(), overrides={})
    return Workspace(workspace.path, workspace.accounts, policy)


def _permissive_policy() -> Policy:
    with default_policy_path().open("rb") as handle:
        regions = tuple(tomllib.load(handle).get("phone", {}).get("regions", ("US",)))
    return Policy(
        terms=Terms(),
        severity={},  # every check at the built-in "warn"
        review_required_for=(),
        undo_seconds=10,
        allow_override=True,
        phone_regions=regions,
        overrides={},
    )


# --- Presidio -------------------------------------------------------------------------------------


def make_tldextract_offline() -> None:
    """Presidio's email recognizer calls ``tldextract.extract``, which fetches the public suffix
    list on first use; point it at no URLs so it uses its cache or the bundled snapshot."""
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""  # read when tldextract is imported
    import tldextract.tldextract as tld  # after the variable is set

    tld.TLD_EXTRACTOR.suffix_list_urls = ()  # in case it was imported before


def load_presidio(model_package: str) -> AnalyzerEngine:
    """Presidio's AnalyzerEngine with its default recognizers on the same spaCy model package.

    Presidio loads its own copy of the pipeline (``spacy.load``); it would download a model that
    is not installed, so that is refused up front."""
    import spacy

    if not spacy.util.is_package(model_package):
        sys.exit(f"error: {model_package} is not an installed package; Presidio would try to download it")
    make_tldextract_offline()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine  # the bench extra, loaded lazily
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model_package}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


# --- statistics and resources ---------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_worker_rss_mb() -> float:
    """The largest peak of any finished worker process (check_many(processes=N))."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(run: Callable[[], T]) -> tuple[T, float]:
    """``run()``'s result and the wall-clock seconds it took."""
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started
