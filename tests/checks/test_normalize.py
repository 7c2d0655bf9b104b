from checks.normalize import normalize


def test_normalize_ascii_is_unchanged_and_maps_identically() -> None:
    norm = normalize("Call 555-0100 now")
    assert norm.text == "Call 555-0100 now"
    assert norm.to_original(5, 13) == (5, 13)


def test_normalize_removes_zero_width_characters_and_maps_back() -> None:
    original = "pass\u200bword: hun\u200dter2"
    norm = normalize(original)
    assert norm.text == "password: hunter2"
    start = norm.text.index("hunter2")
    s, e = norm.to_original(start, start + len("hunter2"))
    assert original[s:e] == "hun\u200dter2"


def test_normalize_fullwidth_email_points_at_original_characters() -> None:
    original = "mail ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ please"
    norm = normalize(original)
    assert "john@example.com" in norm.text
    start = norm.text.index("john")
    s, e = norm.to_original(start, start + len("john@example.com"))
    assert original[s:e] == "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ"


def test_normalize_folds_lookalikes_only_in_mixed_script_words() -> None:
    # "Раypal" starts with Cyrillic Er and a; "привет" is plain Russian and must stay Russian.
    norm = normalize("Раypal привет")
    assert norm.text.split() == ["Paypal", "привет"]


def test_normalize_ligature_expands_but_maps_to_one_character() -> None:
    original = "ﬁle 42"
    norm = normalize(original)
    assert norm.text == "file 42"
    assert norm.to_original(0, 2) == (0, 1)  # "fi" came from the single ligature
    assert norm.to_original(5, 7) == (4, 6)


def test_normalize_combining_accent_stays_with_its_letter() -> None:
    original = "Jose\u0301 said"
    norm = normalize(original)
    assert norm.text.startswith("José")
    s, e = norm.to_original(0, 4)
    assert original[s:e] == "Jose\u0301"


def test_normalize_lone_surrogate_becomes_placeholder_without_shifting_offsets() -> None:
    original = "ab\ud800cd"
    norm = normalize(original)
    assert norm.text == "ab\ufffdcd"
    assert norm.to_original(3, 5) == (3, 5)
