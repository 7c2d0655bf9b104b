from checks.entity_gate import entity_segments, needs_entities


def pieces(text: str) -> list[str]:
    return [text[s:e] for s, e in entity_segments(text)]


def test_plain_sentences_are_skipped_and_named_ones_kept() -> None:
    text = "Coffee first, then a walk. Ask Emma Lindqvist at the counter. The shop opens at nine."
    assert pieces(text) == ["Ask Emma Lindqvist at the counter. "]


def test_each_sentence_is_read_on_its_own() -> None:
    # One piece per sentence, so an edit to one sentence leaves the others' parses reusable.
    text = "Meet Maria today. Say hi to Jordan Lee! Plain words here."
    assert pieces(text) == ["Meet Maria today. ", "Say hi to Jordan Lee! "]


def test_sentence_initial_names_and_places_are_kept() -> None:
    assert needs_entities("Maria called yesterday")  # a common first name
    assert needs_entities("Kalman: who are you?")  # spoken to
    assert needs_entities("Sousa and Ball were engineers")  # listed
    assert needs_entities("she is moving to portugal")  # all lower case
    assert not needs_entities("Fresh beans arrived this morning")


def test_title_abbreviation_does_not_end_the_sentence() -> None:
    assert pieces("Mr. Ford is 50. Nice weather.") == ["Mr. Ford is 50. "]


def test_model_findings_keep_their_offsets_through_the_gate(model_checker) -> None:  # type: ignore[no-untyped-def]
    text = "Coffee first. " * 20 + "Then Maria Gonzalez called."
    (finding,) = [f for f in model_checker.check(text, "acme").findings if f.check == "personal_data.person"]
    assert text[finding.start : finding.end] == "Maria Gonzalez"
