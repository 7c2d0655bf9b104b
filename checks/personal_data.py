"""Personal data: things that identify or reach a private person.

Rule-based checks (phones, emails, cards, IBANs, national IDs, IPs, dates of birth, street
addresses) answer at once; names of private people need the language model (spaCy NER).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

import phonenumbers
import regex

from checks.name_lists import first_names, place_alternation
from checks.registry import CheckContext, Hit, register
from checks.resources import read_lexicon_lines
from checks.text_scan import MONTH

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# --- phones -----------------------------------------------------------------------------------

_DIGIT = regex.compile(r"\d")
# Phone-shaped runs for the second pass: digits with the separators people use, 7 to 15 digits,
# optional extension. Only counted when a phone word is near (see _PHONE_CONTEXT).
_PHONE_SHAPE = regex.compile(
    r"(?<![\w+.\-/])(?:\+|00)?\(?\d{1,4}\)?(?:[ .\-]{0,2}\(?\d{1,5}\)?){1,5}"
    r"(?:\s?(?:x|ext\.?|#)\s?\d{1,6})?(?![\w\-/])",
    regex.IGNORECASE,
)
_PHONE_CONTEXT = regex.compile(
    r"\b(?:phone|phones|call|calling|ring|tel|telephone|mobile|cell|cellphone|office|fax|whats ?app|sms|"
    r"text(?:ing)? (?:me|him|her|them)|"
    r"reach (?:me|him|her|them)|contact|number|answering|dial|hotline|landline)\b",
    regex.IGNORECASE,
)


def _digits(text: str) -> str:
    return "".join(_DIGIT.findall(text))


@lru_cache(maxsize=64)
def _public_digit_strings(contacts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(d[-9:] for c in contacts if len(d := _digits(c)) >= 7)


@register("personal_data.phone", summary="Phone numbers, in international and national formats")
def find_phones(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.text
    if sum(c.isdigit() for c in text) < 7:
        return
    public = _public_digit_strings(ctx.policy.terms.public_contacts)
    regions = ctx.policy.phone_regions
    # Cheap candidates first, then phonenumbers on each candidate only: running its matcher over
    # the whole text once per region costs tens of milliseconds on a short post.
    for match in _PHONE_SHAPE.finditer(text):
        start, end = match.span()
        candidate = match.group()
        digits = _digits(candidate)
        if not 7 <= len(digits) <= 15 or digits[-9:] in public or _looks_like_other_number(candidate):
            continue
        if _valid_in_any(candidate, regions):
            yield Hit(
                start,
                end,
                "This looks like a phone number. Posting a private number exposes the person who answers it; "
                "remove it, or share a public contact line instead.",
                confidence=0.95,
            )
        # Numbers that fit no region's plan ("089 72 63 41 office") still count when the words
        # around them say it is a number to call.
        elif _PHONE_CONTEXT.search(text, max(0, start - 40), min(len(text), end + 20)):
            yield Hit(
                start,
                end,
                "This looks like a phone number (the words around it say so). Remove it, or share a public "
                "contact line instead.",
                confidence=0.7,
            )


@lru_cache(maxsize=4096)
def _valid_in_any(candidate: str, regions: tuple[str, ...]) -> bool:
    for region in regions:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            return False  # not a number in any region's eyes
        if phonenumbers.is_valid_number(number):
            return True
        if candidate.lstrip().startswith(("+", "00")):
            return False  # an international number does not depend on the region
    return False


_OTHER_NUMBER_SHAPES = regex.compile(
    r"^(?:\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}"  # dates
    r"|\d{3}-\d{2}-\d{4}"  # US social security numbers
    r"|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$"  # IPv4 addresses
)


def _looks_like_other_number(candidate: str) -> bool:
    """Dates, SSNs and IP addresses have phone-like shapes; their own checks report them."""
    return bool(_OTHER_NUMBER_SHAPES.match(candidate.strip()))


# --- emails -----------------------------------------------------------------------------------

_EMAIL = regex.compile(
    r"(?<![\w.+\-])[\w.+\-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\w\-])"
)


@register("personal_data.email", summary="Email addresses (except the organisation's public contacts)")
def find_emails(ctx: CheckContext) -> Iterator[Hit]:
    if "@" not in ctx.text:
        return
    public = {c.casefold() for c in ctx.policy.terms.public_contacts}
    for match in _EMAIL.finditer(ctx.text):
        if match.group().casefold() in public:
            continue
        yield Hit(
            match.start(),
            match.end(),
            "This is an email address. If it is a person's own, posting it invites spam and harassment; "
            "remove it or use the organisation's public contact address.",
        )


# --- payment cards ----------------------------------------------------------------------------

_CARD = regex.compile(r"(?<![\d\-])(?:\d[ \-]?){12,18}\d(?![\d\-])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@register("personal_data.card", summary="Payment card numbers (Luhn-checked)")
def find_cards(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.text
    if sum(c.isdigit() for c in text) < 13:
        return
    for match in _CARD.finditer(text):
        digits = _digits(match.group())
        # Card numbers start 2-6 (Mastercard 2-series, Amex 3, Visa 4, Mastercard 5, Discover 6).
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits):
            yield Hit(
                match.start(),
                match.end(),
                "This looks like a payment card number. Never post card numbers: remove it, and if it is real, "
                "tell the card holder to have it replaced.",
            )


# --- IBANs ------------------------------------------------------------------------------------

_IBAN = regex.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\w])", regex.IGNORECASE)


def iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


@register("personal_data.iban", summary="Bank account numbers (IBAN, checksum-verified)")
def find_ibans(ctx: CheckContext) -> Iterator[Hit]:
    for match in _IBAN.finditer(ctx.text):
        candidate = match.group()
        # The match may run into a following word ("...0745 please"); trim to the longest valid IBAN.
        while candidate and not iban_valid(candidate):
            cut = candidate.rfind(" ")
            if cut < 15:
                candidate = ""
                break
            candidate = candidate[:cut]
        if candidate:
            yield Hit(
                match.start(),
                match.start() + len(candidate),
                "This is a bank account number (IBAN). Remove it: payment details belong in a private message.",
            )


# --- national identifiers ---------------------------------------------------------------------

_SSN = regex.compile(r"(?<![\d\-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d\-])")
_SSN_CONTEXTUAL = regex.compile(
    r"\b(?:ssn|social security(?: number| no\.?)?)\b\W{0,5}(?:is\s+|was\s+|:\s*|#\s*)?(\d{9})\b", regex.IGNORECASE
)
_UK_NINO = regex.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
_CONTEXTUAL_ID = regex.compile(
    r"\b(?P<what>driver'?s? licen[cs]e|driving licen[cs]e|licen[cs]e|passport|national id|id card|identity card|"
    r"personal (?:id|identification) number|tax id|tin|nhs)\s*(?:number|no\.?|#|num)?\s*(?:is|was|:|=)?\s*"
    r"(?P<id>(?=[A-Z0-9\-]*\d)[A-Z0-9][A-Z0-9\-]{4,18}[A-Z0-9])\b",
    regex.IGNORECASE,
)


def _ssn_valid(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


@register("personal_data.national_id", summary="Social security, national insurance, passport and licence numbers")
def find_national_ids(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.text
    if not any(c.isdigit() for c in text):
        return
    for match in _SSN.finditer(text):
        if _ssn_valid(match.group(1), match.group(3), match.group(4)):
            yield Hit(
                match.start(),
                match.end(),
                "This looks like a US Social Security number. Remove it: it is "
                "the key to a person's identity and credit.",
            )
    for match in _SSN_CONTEXTUAL.finditer(text):
        yield Hit(match.start(1), match.end(1), "This is called a Social Security number here. Remove it.")
    for match in _UK_NINO.finditer(text):
        yield Hit(match.start(), match.end(), "This looks like a UK National Insurance number. Remove it.")
    for match in _CONTEXTUAL_ID.finditer(text):
        what = match.group("what").lower()
        yield Hit(
            match.start("id"),
            match.end("id"),
            f"This looks like a {what} number. Identity document numbers enable fraud: remove it.",
        )


# --- IP addresses -----------------------------------------------------------------------------

_IPV4 = regex.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = regex.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


@register("personal_data.ip_address", summary="IP addresses")
def find_ip_addresses(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.text
    candidates: list[regex.Match[str]] = []
    if "." in text:
        candidates.extend(_IPV4.finditer(text))
    if text.count(":") >= 2:
        candidates.extend(_IPV6.finditer(text))
    for match in candidates:
        try:
            ipaddress.ip_address(match.group())
        except ValueError:
            continue
        yield Hit(
            match.start(),
            match.end(),
            "This is an IP address. It can locate a person or expose a system; remove it.",
        )


# --- dates of birth ---------------------------------------------------------------------------

_DATE = regex.compile(
    r"(?<![\w/.\-])(?:"
    r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"  # 3/23/1940, 23.03.40
    r"|\d{4}-\d{1,2}-\d{1,2}"  # 1940-03-23
    rf"|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 23rd, 1940
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+\d{{4}}"  # 23 March 1940
    r")(?![\w/\-])",
    regex.IGNORECASE,
)


@lru_cache(maxsize=1)
def _birth_context() -> regex.Pattern[str]:
    words = sorted(read_lexicon_lines("birth_words.txt"), key=len, reverse=True)
    return regex.compile(r"\b(?:" + "|".join(regex.escape(w) for w in words) + r")\b", regex.IGNORECASE)


@register("personal_data.date_of_birth", summary="Dates of birth (a date next to words like 'born' or 'DOB')")
def find_dates_of_birth(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.text
    if not any(c.isdigit() for c in text):
        return
    context = _birth_context()
    for match in _DATE.finditer(text):
        window = text[max(0, match.start() - 60) : match.start()]
        if context.search(window):
            yield Hit(
                match.start(),
                match.end(),
                "This reads as someone's date of birth. With a name it is enough to steal an identity; remove it.",
            )


# --- street addresses -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _address_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    after: list[str] = []
    before: list[str] = []
    for line in read_lexicon_lines("street_types.txt"):
        word, position = line.split()
        (after if position == "after" else before).append(regex.escape(word))
    word = r"(?:\d{1,4}(?:st|nd|rd|th)|[\p{L}][\p{L}'’.\-]*)"
    unit = r"(?:,?\s+(?:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.?|#)\s*[\w\-]{1,6})?"
    tail = r"(?:,?\s+[\p{Lu}][\p{L}'.\-]+(?:\s[\p{Lu}][\p{L}'.\-]+)?,?\s+(?:[A-Z]{2}\s+)?\d{4,5}(?:-\d{4})?)?"
    number_first = regex.compile(
        rf"(?<![\w\-/.,])\d{{1,5}}[A-Za-z]?(?:\s+\d{{1,5}})?\s+(?:{word}\s+){{0,4}}?(?:{'|'.join(after)})\b\.?"
        rf"(?:\s+\d{{1,5}}\b)?{unit}{tail}",
        regex.IGNORECASE,
    )
    # "{'|'.join(before)}" words such as "Via" lead: "Via Goffredo Mameli 149", "Calle Mayor 3".
    type_first = regex.compile(
        rf"(?<![\w])(?:\d{{1,5}}\s+)?(?:{'|'.join(before)})\s+(?:{word}\s+){{0,5}}?\d{{1,5}}[A-Za-z]?\b{unit}",
        regex.IGNORECASE,
    )
    return number_first, type_first


_ADDRESS_INTRO = regex.compile(
    r"(?:\b(?:my|his|her|their|new|home|billing|shipping|mailing|postal|delivery) address(?: is| to| with)?|"
    r"'s address|\baddress(?=[ \t]*:))[ \t]*:?[ \t]*\n?(?:[ \t]*\n)?[ \t]*",
    regex.IGNORECASE,
)
# Other pieces of an address: post boxes, military addresses, and "Kromwater 38" style street
# lines (name then number) when a unit or a line break shows it is an address.
_POST_BOX = regex.compile(r"\b(?:P\.?\s?O\.?\s?Box|PSC|Unit|Box)\s+\d{1,6}(?:,\s*Box\s+\d{1,6})?", regex.IGNORECASE)
_NAME_NUMBER_LINE = regex.compile(
    r"(?m)^[^\w\n]{0,4}\d{1,5}\s+\p{L}[\p{L}'’.\-]+(?:\s\p{L}[\p{L}'’.\-]+){0,3}\s+\d{1,5}[A-Za-z]?[ \t]*$"
    r"(?=\n[^\w\n]{0,4}(?:apt\.?|apartment|suite|unit|flat|floor)\s)",
    regex.IGNORECASE,
)
# The lines that follow a street line in a postal address: a unit, a town, "Region ZIP", ", GU".
_ADDRESS_CONTINUATION = regex.compile(
    r"\n[^\w\n]{0,4}(?:(?:apt\.?|apartment|suite|unit|flat|floor)\s+[\w\-]{1,6}|"
    r"\p{L}[\p{L}'’.\- ]{1,40}?(?:,?\s+[A-Z]{2})?(?:\s+\d{4,6})?|,\s*[A-Z]{2}|\d{4,6})[ \t]*(?=\n|$)",
    regex.IGNORECASE,
)
_MAX_CONTINUATION_LINES = 4
# Where an introduced address ends: a sentence end (not the dot of "Apt." or "St."), a blank line,
# or words that carry on the sentence.
_END_OF_ADDRESS = regex.compile(
    r"(?:(?<!\b(?:apt|ste|st|ave|rd|dr|blvd|no|fl|p\.o))[.!?](?:\s|$)|\n\s*\n| for | so | and then |$)",
    regex.IGNORECASE,
)
_NOT_POSTAL = regex.compile(r"(?:\d{1,3}\.\d{1,3}\.|[0-9a-f]{0,4}:[0-9a-f]{0,4}:|\S+@|https?://|www\.)", regex.I)
_ABBREVIATION_DOT = regex.compile(r"\b\p{L}{1,4}\.$")


@register("personal_data.address", summary="Street addresses")
def find_addresses(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.text
    if not any(c.isdigit() for c in text):
        return
    message = (
        "This looks like a street address. A home address can bring unwanted visitors; remove it unless "
        "it is a public place such as a shop."
    )
    spans: list[tuple[int, int]] = []
    for pattern in (*_address_patterns(), _POST_BOX, _NAME_NUMBER_LINE):
        for match in pattern.finditer(text):
            spans.append(match.span())
    # "my address is 92 Eusebio Dávila 57, ..." : whatever follows, up to the end of the sentence.
    for match in _ADDRESS_INTRO.finditer(text):
        if _NOT_POSTAL.match(text, match.end()):
            continue  # "my address is 10.0.0.1" or "...is sam@example.org": their own checks say so
        rest = text[match.end() :]
        stop = _END_OF_ADDRESS.search(rest)
        end = match.end() + (stop.start() if stop else len(rest))
        if end > match.end() and _DIGIT.search(text, match.end(), end):
            spans.append((match.end(), end))
    for start, span_end in _merge(spans):
        end = span_end
        if text[end - 1] == "." and not _ABBREVIATION_DOT.search(text, start, end):
            end -= 1  # "12 Main Street." ends a sentence; "12 Main St." keeps its dot
        if "\n" in text[end : end + 2]:
            end = _extend_over_address_lines(text, end)
        yield Hit(start, end, message, confidence=0.8)


def _extend_over_address_lines(text: str, end: int) -> int:
    """A postal address block: take the unit, town and postcode lines that follow the street."""
    for _ in range(_MAX_CONTINUATION_LINES):
        match = _ADDRESS_CONTINUATION.match(text, end)
        if match is None:
            break
        end = match.end()
    return end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- people's names (model) -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _honorific() -> regex.Pattern[str]:
    titles = "|".join(regex.escape(t) for t in read_lexicon_lines("honorifics.txt"))
    return regex.compile(rf"\b(?:{titles})\.?\s+(\p{{Lu}}[\p{{L}}'\-]+(?:\s+\p{{Lu}}[\p{{L}}'\-]+)?)")


_NAME_WORD = regex.compile(r"[\p{L}'\-]+")


def _allowed_name_parts(ctx: CheckContext) -> frozenset[str]:
    """Words of names that may appear: public names, the account's people and its brand terms."""
    allowed = (*ctx.policy.terms.public_names, *ctx.account.people, *ctx.account.brand_terms)
    return _name_words(allowed)


@lru_cache(maxsize=64)
def _name_words(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.casefold() for name in names for w in _NAME_WORD.findall(name))


@lru_cache(maxsize=1)
def _name_cue() -> regex.Pattern[str]:
    cues = sorted(read_lexicon_lines("name_cues.txt"), key=len, reverse=True)
    alternation = "|".join(r"\s+".join(regex.escape(w) for w in cue.split()) for cue in cues)
    # Only the cue ignores case: the name after it must really be capitalised ("called from" is not).
    return regex.compile(
        rf"\b(?i:{alternation})\b[ \t]*:?[ \t]*(\p{{Lu}}[\p{{Ll}}'\-]+(?:[ \t]+\p{{Lu}}[\p{{Ll}}'\-]+)?)"
    )


# A capitalised word joined to a name by a comma or "and": "Kovalev, Lee and Phillips".
_NEXT_IN_LIST = regex.compile(r"(?:,|,?\s+(?:and|&|or))\s+(\p{Lu}[\p{Ll}'\-]+(?:\s\p{Lu}[\p{Ll}'\-]+)?)")
_PREVIOUS_IN_LIST = regex.compile(r"(\p{Lu}[\p{Ll}'\-]+(?:\s\p{Lu}[\p{Ll}'\-]+)?)(?:,|,?\s+(?:and|&|or))\s+$")


def _is_person_entity(ent: Span) -> bool:
    """NER's PERSON, or a lone common first name NER took for a place or a company ("Georgina")."""
    if ent.label_ == "PERSON":
        return True
    return (
        ent.label_ in ("GPE", "ORG", "LOC")
        and len(ent) == 1
        and ent.text in first_names()
        and not _place_gazetteer()[0].fullmatch(ent.text)  # Georgia, Jordan: the country wins
    )


def _person_spans(doc: Doc) -> list[tuple[int, int]]:
    """Where people's names are: NER's PERSON entities (split at line breaks), names after a title
    or a naming cue, and names listed together with one of those."""
    text = doc.text
    taken = [
        (e.start_char, e.end_char)
        for e in doc.ents
        if e.label_ not in ("PERSON", "NORP", "CARDINAL") and not _is_person_entity(e)
    ]
    found: list[tuple[int, int]] = []
    for ent in doc.ents:
        if _is_person_entity(ent):
            offset = ent.start_char
            for line in ent.text.split("\n"):
                if line.strip():
                    found.append((offset, offset + len(line)))
                offset += len(line) + 1
    found.extend(m.span(1) for m in _honorific().finditer(text))
    found.extend(m.span(1) for m in _name_cue().finditer(text))

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    # Grow along lists in both directions until no new name joins ("Malon, Mark, Kaylee and Brandi").
    frontier = list(found)
    while frontier:
        start, end = frontier.pop()
        for match in (_NEXT_IN_LIST.match(text, end), _PREVIOUS_IN_LIST.search(text, max(0, start - 40), start)):
            if match is None:
                continue
            span = match.span(1)
            if span not in found and free(*span) and not _sentence_start(text, span[0]):
                found.append(span)
                frontier.append(span)
    return _merge(found)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in ".!?\n"


@register(
    "personal_data.person",
    summary="Names of private people (spaCy NER and naming cues), except public names and the account's own people",
    pipes=("ner",),
)
def find_people(ctx: CheckContext) -> Iterator[Hit]:
    doc = ctx.doc
    if doc is None:
        return
    allowed = _allowed_name_parts(ctx)
    for entity_start, entity_end in _person_spans(doc):
        if any(c.isdigit() for c in doc.text[entity_start:entity_end]):
            continue
        start, end = _trim_name(doc.text, _skip_leading_function_words(doc.text, entity_start, entity_end), entity_end)
        words = _NAME_WORD.findall(doc.text[start:end])
        if not words or doc.text[start] in "@#":
            continue
        if all(w.casefold() in allowed for w in words):
            continue
        yield Hit(
            start,
            end,
            f"'{doc.text[start:end]}' looks like a private person's name. Name people on {ctx.account.name} only "
            "with their consent; if they speak for the organisation, add them to public_names in policy.toml.",
            confidence=0.8,
        )


def _trim_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a trailing possessive or punctuation: "Judy's" -> "Judy"."""
    span = text[start:end]
    for suffix in ("'s", "’s"):
        if span.endswith(suffix):
            end -= len(suffix)
            span = span[: -len(suffix)]
    while end > start and not text[end - 1].isalpha():
        end -= 1
    while start < end and not text[start].isalpha() and text[start] not in "@#":
        start += 1
    return start, end


# --- notes: places, organisations, web addresses ----------------------------------------------
# On their own these are not private (a brand names its stores, partners and website every day),
# so they default to "info": shown to the author, never in the way. Next to a private person they
# are what identifies them: where someone lives or is right now, who employs them, their website.


@lru_cache(maxsize=1)
def _place_gazetteer() -> tuple[regex.Pattern[str], frozenset[str]]:
    pattern = regex.compile(rf"(?<![\w@#])(?:{place_alternation()})(?![\w])", regex.I)
    return pattern, frozenset(read_lexicon_lines("place_words_in_lowercase.txt"))


def _own_words(ctx: CheckContext) -> frozenset[str]:
    return _name_words((*ctx.account.brand_terms, *ctx.policy.terms.public_names, *ctx.account.people))


def _is_own(text: str, own: frozenset[str]) -> bool:
    words = _NAME_WORD.findall(text)
    return bool(words) and all(w.casefold() in own for w in words)


@register(
    "personal_data.location",
    summary="Places (countries, cities, landmarks): a note, as they can say where a person is",
    pipes=("ner",),
)
def find_locations(ctx: CheckContext) -> Iterator[Hit]:
    doc = ctx.doc
    if doc is None:
        return
    own = _own_words(ctx)
    people = _person_spans(doc)  # "Georgina" is a person even where NER says GPE

    def not_a_person(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in people)

    spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")]
    gazetteer, lowercase_words = _place_gazetteer()
    spans.extend(match.span() for match in gazetteer.finditer(doc.text))
    spans = [span for span in spans if not_a_person(*span)]
    for start, end in _merge(spans):
        place = doc.text[start:end]
        if _is_own(place, own) or not _NAME_WORD.search(place):
            continue
        if place.islower() and place in lowercase_words:  # "roast turkey", even when NER says GPE
            continue
        yield Hit(
            start,
            end,
            f"'{place}' is a place. Fine for a shop or an event; not for where a private person lives, works "
            "or is right now.",
            confidence=0.6,
        )


_COMPANY = regex.compile(
    r"\b(?:\p{Lu}[\p{L}&'\-]+\s+){1,3}(?:Ltd|Limited|Inc|LLC|LLP|PLC|GmbH|AG|SA|S\.A|BV|B\.V|Corp|Corporation|"
    r"Co|Company|Group|Holdings)\b\.?"
)


@register(
    "personal_data.organization",
    summary="Organisations: a note, as a person's employer or school helps identify them",
    pipes=("ner",),
)
def find_organizations(ctx: CheckContext) -> Iterator[Hit]:
    doc = ctx.doc
    if doc is None:
        return
    own = _name_words(tuple(t for a in ctx.accounts for t in (a.name, *a.brand_terms)))
    spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "ORG"]
    spans.extend(m.span() for m in _COMPANY.finditer(doc.text))
    for span_start, end in _merge(spans):
        start = _skip_leading_function_words(doc.text, span_start, end)
        name = doc.text[start:end]
        if _is_own(name, own) or name.startswith(("@", "#")) or not _NAME_WORD.search(name):
            continue
        yield Hit(
            start,
            end,
            f"'{name}' is an organisation. If it is where a private person works or studies, naming it helps "
            "identify them.",
            confidence=0.5,
        )


_LEADING_FUNCTION_WORD = regex.compile(
    r"(?:the|a|an|thanks|thank|to|at|with|for|from|by|and|visit|call|dear|hi|hello|hey|via|our|my|meet|welcome|"
    r"congrats|congratulations)\s+",
    regex.I,
)


def _skip_leading_function_words(text: str, start: int, end: int) -> int:
    """ "Thanks Smith Ltd.", "the Red Cross", "Meet Alex Rivera": NER often takes the word before a name."""
    while match := _LEADING_FUNCTION_WORD.match(text, start, end):
        start = match.end()
    return start


_WEB_ADDRESS = regex.compile(
    r"(?<![\w@.\-/])(?:(?:https?://)?(?:www\.)?)(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?\.)+"
    r"(?:[a-z]{2,24})(?::\d{2,5})?(?:/[^\s<>\"'()]*)?(?<![.,;:!?])(?![@\w])",
    regex.IGNORECASE,
)
_SCHEME = regex.compile(r"^(?:https?://)?(?:www\.)?", regex.IGNORECASE)


@register("personal_data.website", summary="Web addresses: a note to check the link goes where it should")
def find_websites(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.text
    if "." not in text:
        return
    own_domains = {c.rsplit("@", 1)[1].casefold() for c in ctx.policy.terms.public_contacts if "@" in c} | {
        t.casefold() for t in ctx.account.brand_terms if "." in t
    }
    own_words = _name_words(ctx.account.brand_terms)
    for match in _WEB_ADDRESS.finditer(text):
        address = match.group()
        host = _SCHEME.sub("", address).split("/", 1)[0].split(":", 1)[0].casefold()
        # Bare "word.word" is too often a typo or a file name; without a scheme or "www." demand a
        # known-looking top-level domain, and never flag the account's own site.
        if "://" not in address and not address.lower().startswith("www.") and not _looks_like_domain(host):
            continue
        labels = host.split(".")
        if host in own_domains or any(host.endswith("." + d) for d in own_domains):
            continue
        if len(labels) >= 2 and labels[-2] in own_words:  # acme.com on Acme's own account
            continue
        yield Hit(
            match.start(),
            match.end(),
            f"A link to {host}. Check it is the page you mean, that it is public, and that it is not someone's "
            "personal site.",
            confidence=0.6,
        )


@lru_cache(maxsize=1)
def _common_tlds() -> frozenset[str]:
    return frozenset(read_lexicon_lines("common_tlds.txt"))


def _looks_like_domain(host: str) -> bool:
    return host.rsplit(".", 1)[-1] in _common_tlds() and "@" not in host
