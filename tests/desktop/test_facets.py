"""Bluesky rich-text facets (desktop.platforms.facets): the right substrings, measured in UTF-8 bytes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from desktop.platforms.facets import LINK, MENTION, TAG, Facet, byte_offset, facets

DIDS = {"alice.test": "did:plc:alice", "bob.example.com": "did:plc:bob"}


def resolve(handle: str) -> str | None:
    return DIDS.get(handle)


def spans(text: str) -> list[tuple[str, str, str]]:
    """(the facet's bytes decoded, feature type, feature value) for each facet, in order."""
    data = text.encode("utf-8")
    found = []
    for facet in facets(text, resolve):
        (feature,) = facet["features"]
        value = feature.get("uri") or feature.get("did") or feature.get("tag") or ""
        quoted = data[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode("utf-8")
        found.append((quoted, feature["$type"], value))
    return found


# --- byte offsets ---


def test_plain_ascii_offsets() -> None:
    assert facets("see https://example.com", resolve) == [
        {
            "index": {"byteStart": 4, "byteEnd": 23},
            "features": [{"$type": LINK, "uri": "https://example.com"}],
        }
    ]


def test_emoji_before_a_link_counts_four_bytes_each() -> None:
    text = "👋👋 https://example.com"
    (facet,) = facets(text, resolve)
    assert facet["index"] == {"byteStart": 9, "byteEnd": 28}  # 2 × 4 bytes + a space
    assert spans(text) == [("https://example.com", LINK, "https://example.com")]


def test_zwj_emoji_and_skin_tone_before_a_mention() -> None:
    text = "👩🏽‍💻 ping @alice.test"
    prefix = "👩🏽‍💻 ping "
    (facet,) = facets(text, resolve)
    assert facet["index"]["byteStart"] == len(prefix.encode()) == 21  # 4 + 4 + 3 (joiner) + 4 + 6
    assert spans(text) == [("@alice.test", MENTION, "did:plc:alice")]


def test_accented_text_before_a_hashtag() -> None:
    text = "Café déjà vu #Montréal"
    (facet,) = facets(text, resolve)
    assert facet["index"] == {"byteStart": 16, "byteEnd": 26}  # é, é, à are two bytes each
    assert spans(text) == [("#Montréal", TAG, "Montréal")]


def test_combining_accent_counts_its_own_bytes() -> None:
    text = "e\u0301e\u0301 #tag"
    assert facets(text, resolve)[0]["index"] == {"byteStart": 7, "byteEnd": 11}


def test_cjk_text_and_cjk_hashtag() -> None:
    text = "今日は晴れ #東京 https://example.jp/パス"
    assert spans(text) == [
        ("#東京", TAG, "東京"),
        ("https://example.jp/パス", LINK, "https://example.jp/パス"),
    ]
    assert facets(text, resolve)[0]["index"]["byteStart"] == 16  # 5 CJK characters × 3 bytes + a space


def test_byte_offset() -> None:
    assert byte_offset("aé👋", 0) == 0
    assert byte_offset("aé👋", 2) == 3
    assert byte_offset("aé👋", 3) == 7
    assert byte_offset("\ud800x", 1) == 3  # a lone surrogate does not crash the count


# --- several facets ---


def test_link_mention_and_hashtag_in_text_order() -> None:
    text = "Launch 🚀 by @alice.test: https://example.com/launch?ref=bsky #SecondLook!"
    assert spans(text) == [
        ("@alice.test", MENTION, "did:plc:alice"),
        ("https://example.com/launch?ref=bsky", LINK, "https://example.com/launch?ref=bsky"),
        ("#SecondLook", TAG, "SecondLook"),
    ]


def test_facets_are_sorted_and_never_overlap() -> None:
    text = "#a https://x.example.com/#b @alice.test https://y.example.com/@alice.test #c"
    result = facets(text, resolve)
    ranges = [(f["index"]["byteStart"], f["index"]["byteEnd"]) for f in result]
    assert ranges == sorted(ranges)
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(ranges))
    assert [value for _, _, value in spans(text)] == [
        "a",
        "https://x.example.com/#b",
        "did:plc:alice",
        "https://y.example.com/@alice.test",
        "c",
    ]


def test_each_facet_has_exactly_one_feature() -> None:
    for facet in facets("#a @alice.test https://example.com", resolve):
        assert len(facet["features"]) == 1


# --- links ---


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("Read https://example.com.", "https://example.com"),
        ("Read https://example.com, then", "https://example.com"),
        ("Really? https://example.com!", "https://example.com"),
        ("(see https://example.com/a)", "https://example.com/a"),
        ("https://en.wikipedia.org/wiki/Pitch_(music)", "https://en.wikipedia.org/wiki/Pitch_(music)"),
        ("(https://en.wikipedia.org/wiki/Pitch_(music))", "https://en.wikipedia.org/wiki/Pitch_(music)"),
        ('"https://example.com/q"', "https://example.com/q"),
        ("“https://example.com/q”", "https://example.com/q"),
        ("[https://example.com/q]", "https://example.com/q"),
        ("http://example.com:8080/x?y=1#z", "http://example.com:8080/x?y=1#z"),
        ("HTTPS://EXAMPLE.COM/Path", "HTTPS://EXAMPLE.COM/Path"),
        ("https://example.com/…", "https://example.com/"),
        ("https://example.com/path;", "https://example.com/path"),
    ],
)
def test_full_urls_without_trailing_punctuation(text: str, link: str) -> None:
    assert spans(text) == [(link, LINK, link)]


@pytest.mark.parametrize(
    ("text", "shown", "uri"),
    [
        ("visit example.com today", "example.com", "https://example.com"),
        ("visit example.com/path?x=1.", "example.com/path?x=1", "https://example.com/path?x=1"),
        ("docs at docs.python.org/3/.", "docs.python.org/3/", "https://docs.python.org/3/"),
        ("(bsky.app)", "bsky.app", "https://bsky.app"),
        ("my-site.co.uk is up", "my-site.co.uk", "https://my-site.co.uk"),
        ("Example.COM's page", "Example.COM", "https://Example.COM"),
    ],
)
def test_bare_domains_become_https_links(text: str, shown: str, uri: str) -> None:
    assert spans(text) == [(shown, LINK, uri)]


@pytest.mark.parametrize(
    "text",
    [
        "open notes.txt or setup.py",  # not top-level domains we link
        "e.g. this, i.e. that",
        "version 1.2.3",
        "mail bob@example.com",  # an email address is not a link
        "https://",
        "https://localhostname/x",  # no dot in the host
        "http://[::1",  # unclosed IPv6 host
        "xhttps://example.com",  # inside a word
        "example.comx",
        "ftp://example.com",
    ],
)
def test_no_link(text: str) -> None:
    assert [s for s in spans(text) if s[1] == LINK] == []


# --- mentions ---


def test_mention_resolves_to_did_and_covers_the_at_sign() -> None:
    assert spans("hi @bob.example.com!") == [("@bob.example.com", MENTION, "did:plc:bob")]


def test_unresolvable_mention_gets_no_facet() -> None:
    assert spans("hi @nobody.test and @alice.test") == [("@alice.test", MENTION, "did:plc:alice")]


def test_mention_followed_by_sentence_punctuation() -> None:
    assert spans("Thanks @alice.test.") == [("@alice.test", MENTION, "did:plc:alice")]
    assert spans("(cc @alice.test)") == [("@alice.test", MENTION, "did:plc:alice")]


def test_mention_is_case_insensitive_and_keeps_the_text_as_typed() -> None:
    asked: list[str] = []

    def recording(handle: str) -> str | None:
        asked.append(handle)
        return DIDS.get(handle)

    text = "@Alice.Test and again @alice.test"
    result = facets(text, recording)
    assert asked == ["alice.test"]  # resolved once, in lower case
    data = text.encode()
    assert [data[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode() for f in result] == [
        "@Alice.Test",
        "@alice.test",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "email alice@alice.test",  # inside an email address
        "@alice alone",  # no domain: never asked
        "@alice.test_x",  # runs into a word
        "@-bad-.test",
        "@alice.123",  # the last label must start with a letter
    ],
)
def test_not_a_mention(text: str) -> None:
    asked: list[str] = []

    def recording(handle: str) -> str | None:
        asked.append(handle)
        return "did:plc:x"

    assert facets(text, recording) == []
    assert "alice.test" not in asked


def test_resolver_errors_propagate() -> None:
    def broken(handle: str) -> str | None:
        raise RuntimeError("network down")

    with pytest.raises(RuntimeError, match="network down"):
        facets("hi @alice.test", broken)


def test_resolver_not_called_without_mentions() -> None:
    def never(handle: str) -> str | None:
        raise AssertionError(handle)

    assert spans("no mentions at all, #tag https://example.com") != []
    facets("no mentions at all, #tag https://example.com", never)


# --- hashtags ---


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("#hello", "hello"),
        ("say #hello!", "hello"),
        ("#hello, world", "hello"),
        ("#hello...", "hello"),
        ("#1st place", "1st"),
        ("#dont's", "dont's"),  # inner punctuation stays
        ("＃fullwidth", "fullwidth"),
        ("#ça_va", "ça_va"),
        ("line one\n#newline", "newline"),
    ],
)
def test_hashtags(text: str, tag: str) -> None:
    ((quoted, kind, value),) = spans(text)
    assert kind == TAG
    assert value == tag
    assert quoted[1:] == tag


@pytest.mark.parametrize(
    "text",
    [
        "#123",  # digits only
        "#!!!",
        "C# and F#",  # not at a word start
        "https://example.com/page#section",  # a URL's fragment is part of the link
        "#️⃣ keycap",
        "# heading",
        "#" + "a" * 65,  # longer than 64 characters
        "(#paren)",
    ],
)
def test_not_a_hashtag(text: str) -> None:
    assert [s for s in spans(text) if s[1] == TAG] == []


def test_hashtag_of_64_characters_is_kept() -> None:
    assert spans("#" + "a" * 64) == [("#" + "a" * 64, TAG, "a" * 64)]


def test_zero_width_space_ends_a_hashtag() -> None:
    assert spans("#tag\u200bmore") == [("#tag", TAG, "tag")]


def test_empty_text() -> None:
    assert facets("", resolve) == []


# --- any text ---

PIECES = st.sampled_from(
    [
        "https://example.com/a_(b)",
        "example.com",
        "@alice.test",
        "@nobody.test",
        "#tag",
        "#東京",
        "👩🏽‍💻",
        "é",
        "e\u0301",
        "日本",
        " ",
        "\n",
        "(",
        ")",
        ".",
        "#",
        "@",
        "\u200b",
    ]
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=12).map("".join))
@example("@alice.test#tag https://example.com#x")
def test_facets_always_quote_whole_characters_in_order(text: str) -> None:
    result: list[Facet] = facets(text, resolve)
    data = text.encode("utf-8", "surrogatepass")
    previous_end = 0
    for facet in result:
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert previous_end <= start < end <= len(data)
        quoted = data[start:end].decode("utf-8", "surrogatepass")  # raises if a character was cut
        assert quoted in text
        (feature,) = facet["features"]
        if feature["$type"] == TAG:
            assert quoted[1:] == feature["tag"]
        elif feature["$type"] == MENTION:
            assert quoted.lower() == "@alice.test"
        previous_end = end
