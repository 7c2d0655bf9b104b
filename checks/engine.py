"""The engine: a draft and the account it is meant for in, a :class:`Report` out."""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from checks.entity_gate import entity_segments
from checks.findings import Finding, Report, Severity, SkippedCheck, Verdict
from checks.model import load_english, pipes_to_disable
from checks.normalize import NormalizedText, normalize
from checks.registry import CheckContext, Hit, RegisteredCheck, all_checks

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from checks.policy import Policy
    from checks.workspace import Account, Workspace

log = logging.getLogger(__name__)

# Texts are parsed in pieces of at most this many characters (split at whitespace), so a 1 MB
# paste neither trips spaCy's max_length nor holds one enormous Doc in memory.
MODEL_CHUNK_CHARS = 20_000
# check() remembers the parses of this many recent pieces (sentences that can hold a name), so
# while someone types only the sentence being edited is parsed again.
PIECE_CACHE_SIZE = 256

Parsed = list[tuple[int, "Doc"]]  # (offset in the normalised text, Doc of that piece)


class Checker:
    """Checks drafts against a workspace's accounts and policy.

    The language model loads lazily on first use (or ``ensure_model()`` from a background thread);
    until it is there, or if it cannot be loaded, rule-based checks still run and each report lists
    the model-based checks that did not, with the reason.
    """

    def __init__(self, workspace: Workspace, *, nlp: Language | None = None, use_model: bool = True) -> None:
        self.workspace = workspace
        self._nlp = nlp
        self._model_name: str | None = None
        self._model_problem: str | None = None if use_model else "model-based checks were switched off"
        self._model_tried = nlp is not None or not use_model
        self._lock = threading.Lock()
        self._pipeline_plan: tuple[list[str], bool] | None = None
        self._pieces: OrderedDict[str, Doc] = OrderedDict()
        self._pieces_lock = threading.Lock()

    # --- the model ----------------------------------------------------------------------------

    def ensure_model(self) -> Language | None:
        """Load the language model if that has not been tried yet; safe to call from any thread."""
        with self._lock:
            if not self._model_tried:
                status = load_english()
                self._nlp, self._model_name, self._model_problem = status.nlp, status.name, status.problem
                self._model_tried = True
            return self._nlp

    @property
    def model_problem(self) -> str | None:
        return self._model_problem

    @property
    def model_name(self) -> str | None:
        return self._model_name or (self._nlp.meta.get("name") if self._nlp is not None else None)

    # --- checking -----------------------------------------------------------------------------

    def check(self, text: str, account_id: str) -> Report:
        """Check one draft. Raises :class:`~checks.errors.UnknownAccountError` for an unknown id."""
        account = self.workspace.account(account_id)
        started = time.perf_counter()
        norm = normalize(text)
        normalised = time.perf_counter()
        nlp = self.ensure_model()
        parsed = self._parse_reusing(nlp, norm.text) if nlp is not None and self._wants_model(account) else None
        parsed_at = time.perf_counter()
        report = self._report(norm, account, parsed)
        report.timings_ms.update(
            normalize=(normalised - started) * 1000,
            model=(parsed_at - normalised) * 1000,
            checks=(time.perf_counter() - parsed_at) * 1000,
        )
        return report

    def check_doc(self, doc: Doc, account_id: str, only: Sequence[str] = ()) -> Report:
        """Check a Doc parsed by someone else's pipeline (no normalisation: the Doc's text is used as
        it is). ``only`` limits the run to these check ids or categories."""
        account = self.workspace.account(account_id)
        return self._report(NormalizedText(doc.text, doc.text), account, [(0, doc)], only)

    def check_many(
        self, drafts: Iterable[tuple[str, str]], *, batch_size: int = 256, processes: int = 1
    ) -> Iterator[Report]:
        """Check ``(text, account_id)`` pairs, yielding reports in order, parsing them in batches
        (``nlp.pipe``). With ``processes`` > 1 the batches are checked in that many worker processes
        (a content calendar on a 2-core laptop: about twice as fast).

        Unknown account ids raise :class:`~checks.errors.UnknownAccountError` before any of the
        drafts in the same batch is reported.
        """
        if processes > 1:
            yield from self._check_in_processes(drafts, batch_size, processes)
            return
        nlp = self.ensure_model()
        batch: list[tuple[NormalizedText, Account]] = []
        for text, account_id in drafts:
            batch.append((normalize(text), self.workspace.account(account_id)))
            if len(batch) >= batch_size:
                yield from self._check_batch(nlp, batch)
                batch = []
        if batch:
            yield from self._check_batch(nlp, batch)

    def _check_in_processes(
        self, drafts: Iterable[tuple[str, str]], batch_size: int, processes: int
    ) -> Iterator[Report]:
        batches: list[list[tuple[str, str]]] = [[]]
        for text, account_id in drafts:
            self.workspace.account(account_id)  # unknown ids fail here, before any work starts
            if len(batches[-1]) >= batch_size:
                batches.append([])
            batches[-1].append((text, account_id))
        # Where fork exists (Linux) the workers inherit this checker and its loaded model; elsewhere
        # each worker loads its own.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        if method == "fork":
            self.ensure_model()
            _WORKER_STATE["forked"] = self
        use_model = self._model_problem is None or self._nlp is not None
        try:
            with ProcessPoolExecutor(
                max_workers=processes,
                mp_context=multiprocessing.get_context(method),
                initializer=_init_worker,
                initargs=(self.workspace, use_model),
            ) as pool:
                for reports in pool.map(_check_batch_in_worker, batches):
                    yield from reports
        finally:
            _WORKER_STATE.pop("forked", None)

    def _check_batch(self, nlp: Language | None, batch: Sequence[tuple[NormalizedText, Account]]) -> Iterator[Report]:
        parsed: list[Parsed | None] = [None] * len(batch)
        if nlp is not None:
            wanted = [i for i, (_, account) in enumerate(batch) if self._wants_model(account)]
            for i, docs in zip(wanted, self._parse_many(nlp, [batch[i][0].text for i in wanted]), strict=True):
                parsed[i] = docs
        for (norm, account), parsed_or_none in zip(batch, parsed, strict=True):
            yield self._report(norm, account, parsed_or_none)

    def _wants_model(self, account: Account) -> bool:
        policy = self.workspace.policy.for_account(account.id)
        return any(c.needs_model and policy.severity_of(c.id) is not None for c in all_checks())

    def _parse_many(self, nlp: Language, texts: Sequence[str]) -> list[Parsed]:
        """Parse the parts of each text the model-based checks need, in one ``nlp.pipe`` run."""
        pieces = [self._model_pieces(nlp, text) for text in texts]
        idle, _ = self._plan(nlp)
        docs = iter(nlp.pipe((piece for each in pieces for _, piece in each), disable=idle))
        return [[(offset, next(docs)) for offset, _ in each] for each in pieces]

    def _parse_reusing(self, nlp: Language, text: str) -> Parsed:
        """Like ``_parse_many`` for one text, reusing the parses of pieces seen in recent calls."""
        pieces = self._model_pieces(nlp, text)
        with self._pieces_lock:
            known = {piece: self._pieces[piece] for _, piece in pieces if piece in self._pieces}
            for piece in known:
                self._pieces.move_to_end(piece)
        fresh = [piece for piece in dict.fromkeys(p for _, p in pieces) if piece not in known]
        if fresh:
            idle, _ = self._plan(nlp)
            parsed = dict(zip(fresh, nlp.pipe(fresh, disable=idle), strict=True))
            with self._pieces_lock:
                self._pieces.update(parsed)
                while len(self._pieces) > PIECE_CACHE_SIZE:
                    self._pieces.popitem(last=False)
            known.update(parsed)
        return [(offset, known[piece]) for offset, piece in pieces]

    def _model_pieces(self, nlp: Language, text: str) -> list[tuple[int, str]]:
        """(offset, text) pieces to parse: when the checks read only entities, just the sentences that
        can hold one (see checks.entity_gate); always in pieces short enough for spaCy."""
        _, entities_only = self._plan(nlp)
        spans = entity_segments(text) if entities_only else [(0, len(text))]
        return [(start + offset, piece) for start, end in spans for offset, piece in _split_for_model(text[start:end])]

    def _plan(self, nlp: Language) -> tuple[list[str], bool]:
        """The pipeline components no registered check reads (skipped: that halves the parse time),
        and whether the checks read entities only (then only sentences that can hold one are parsed)."""
        if self._pipeline_plan is None:
            wanted = {pipe for check in all_checks() for pipe in check.pipes}
            self._pipeline_plan = (pipes_to_disable(nlp, wanted), wanted == {"ner"})
        return self._pipeline_plan

    def _report(
        self, norm: NormalizedText, account: Account, parsed: Parsed | None, only: Sequence[str] = ()
    ) -> Report:
        policy = self.workspace.policy.for_account(account.id)
        context = CheckContext(norm.text, account, self.workspace.accounts, policy, original=norm.original)
        findings: list[Finding] = []
        skipped: list[SkippedCheck] = []
        for check in all_checks():
            if only and check.id not in only and check.category not in only:
                continue
            severity = policy.severity_of(check.id)
            if severity is None:
                continue  # the policy turns this check off
            if check.needs_model and parsed is None:
                if self._wants_model(account):
                    skipped.append(SkippedCheck(check.id, self._model_problem or "the language model is still loading"))
                continue
            try:
                hits = list(_run(check, context, parsed))
            except Exception as exc:  # one broken check must not hide the others' findings
                log.exception("check %s failed", check.id)
                skipped.append(SkippedCheck(check.id, f"the check failed ({type(exc).__name__}); please report this"))
                continue
            for start, end, hit in hits:
                orig_start, orig_end = (start, end) if hit.in_original else norm.to_original(start, end)
                if orig_start >= orig_end:
                    continue
                findings.append(
                    Finding(
                        check=check.id,
                        severity=severity,
                        start=orig_start,
                        end=orig_end,
                        text=norm.original[orig_start:orig_end],
                        message=hit.message,
                        suggestion=hit.suggestion,
                        confidence=hit.confidence,
                    )
                )
        findings = _drop_covered(findings)
        return Report(
            account_id=account.id,
            text_sha256=Report.hash_text(norm.original),
            verdict=verdict_for(findings, policy),
            findings=findings,
            skipped=skipped,
        )


# --- worker processes for check_many(processes=N) ---------------------------------------------

# "forked": the parent's checker, set just before forking, inherited by the workers;
# "worker": the checker a worker process uses.
_WORKER_STATE: dict[str, Checker] = {}


def _init_worker(workspace: Workspace, use_model: bool) -> None:
    forked = _WORKER_STATE.get("forked")
    _WORKER_STATE["worker"] = forked or Checker(workspace, use_model=use_model)


def _check_batch_in_worker(batch: list[tuple[str, str]]) -> list[Report]:
    return list(_WORKER_STATE["worker"].check_many(batch, batch_size=len(batch)))


def _run(check: RegisteredCheck, context: CheckContext, parsed: Parsed | None) -> Iterator[tuple[int, int, Hit]]:
    if not check.needs_model:
        for hit in check.run(context):
            yield hit.start, hit.end, hit
        return
    for offset, doc in parsed or ():
        for hit in check.run(replace(context, text=doc.text, doc=doc)):
            yield offset + hit.start, offset + hit.end, hit


def verdict_for(findings: Sequence[Finding], policy: Policy) -> Verdict:
    if any(f.severity is Severity.BLOCK for f in findings):
        return Verdict.BLOCKED
    warnings = [f for f in findings if f.severity is Severity.WARN]
    if any(policy.needs_review(f.check) for f in warnings):
        return Verdict.NEEDS_REVIEW
    return Verdict.CONFIRM if warnings else Verdict.CLEAR


def _drop_covered(findings: list[Finding]) -> list[Finding]:
    """Keep one finding per place: drop one that another of the same category covers at the same
    or higher severity (a card number is not also reported as a phone number), and drop an ``info``
    note that any stronger finding covers (a private link is not also "a link")."""
    ordered = sorted(findings, key=lambda f: (f.start, -f.end, -f.severity.rank, f.check))
    kept: list[Finding] = []
    widest: dict[str, Finding] = {}  # per category, the kept finding reaching furthest right
    strongest: Finding | None = None  # the kept warn/block finding reaching furthest right
    for finding in ordered:
        cover = widest.get(finding.category)
        if cover is not None and cover.end >= finding.end and cover.severity.rank >= finding.severity.rank:
            continue
        if finding.severity is Severity.INFO and strongest is not None and strongest.end >= finding.end:
            continue
        kept.append(finding)
        if cover is None or finding.end > cover.end:
            widest[finding.category] = finding
        if finding.severity is not Severity.INFO and (strongest is None or finding.end > strongest.end):
            strongest = finding
    return kept


def _split_for_model(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    while len(text) - start > MODEL_CHUNK_CHARS:
        cut = max(text.rfind("\n", start, start + MODEL_CHUNK_CHARS), text.rfind(" ", start, start + MODEL_CHUNK_CHARS))
        if cut <= start:
            cut = start + MODEL_CHUNK_CHARS
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]
