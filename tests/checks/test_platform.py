"""Platform fit on the demo accounts: acme posts to Mastodon, sam to Bluesky, harbor to X."""

from __future__ import annotations

import pytest

from checks import Checker, Severity, Verdict
from checks.findings import Finding
from checks.platform import Measure, measure

URL = "https://acme.example/winter/collection/with/a/rather/long/path?utm_source=mastodon"  # 80 characters


def platform_findings(checker: Checker, text: str, account: str) -> list[Finding]:
    return [f for f in checker.check(text, account).findings if f.category == "platform"]


def found(checker: Checker, text: str, check: str, account: str) -> list[Finding]:
    return [f for f in checker.check(text, account).findings if f.check == check]


# --- measure(): the counter the composer shows ----------------------------------------------------


def test_measure_counts_mastodon_links_as_23() -> None:
    assert measure(f"New: {URL}", "mastodon") == Measure(5 + 23, 500)
    assert measure("see http://a.co", "mastodon").used == 4 + 23  # short links count 23 too


def test_measure_counts_mastodon_remote_mentions_as_the_username() -> None:
    assert measure("hi @bob@mastodon.social", "mastodon").used == len("hi @bob")


def test_measure_counts_grapheme_clusters_on_mastodon_and_bluesky() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji of five code points
    accented = "e\u0301"  # e + combining acute accent
    assert measure(family + accented, "mastodon").used == 2
    assert measure(family + accented, "bluesky") == Measure(2, 300)


def test_measure_weighs_x_like_twitter_text() -> None:
    assert measure("a" * 280, "x") == Measure(280, 280)
    assert measure("漢字", "x").used == 4  # CJK counts 2
    assert measure("\U0001f600", "x").used == 2  # an emoji counts 2
    assert measure("\U0001f468\u200d\U0001f469\u200d\U0001f467", "x").used == 2  # however many code points
    assert measure("\u2014 \u201cquoted\u201d", "x").used == 10  # dashes and quotes are light
    assert measure(f"go {URL}", "x").used == 3 + 23
    assert measure("visit acme.com today", "x").used == len("visit  today") + 23  # links without https too


def test_measure_knows_linkedin_and_unlimited_destinations() -> None:
    assert measure("x" * 3000, "linkedin") == Measure(3000, 3000)
    assert measure("x" * 5000, "outbox").limit is None
    assert measure("x" * 5000, "webhook").over == 0


# --- platform.length -----------------------------------------------------------------------------


def test_length_mastodon_500_fits_and_501_is_one_over(rules_checker: Checker) -> None:
    assert platform_findings(rules_checker, "a" * 500, "acme") == []
    report = rules_checker.check("a" * 500 + "b", "acme")
    (finding,) = [f for f in report.findings if f.check == "platform.length"]
    assert finding.text == "b"  # the part past the limit
    assert finding.message.startswith("1 character over Mastodon's 500-character limit")
    assert finding.severity is Severity.BLOCK
    assert report.verdict is Verdict.BLOCKED


def test_length_message_gives_exact_numbers(rules_checker: Checker) -> None:
    (finding,) = found(rules_checker, "a" * 912, "platform.length", "acme")
    assert finding.message.startswith("412 characters over Mastodon's 500-character limit (912 counted")
    assert (finding.start, finding.end) == (500, 912)


def test_length_mastodon_counts_a_link_as_23(rules_checker: Checker) -> None:
    fits = "a" * 476 + " " + URL  # 477 + 23 = 500, although the text is 557 characters long
    assert found(rules_checker, fits, "platform.length", "acme") == []
    over = "a" * 477 + " " + URL  # 501: the link is what no longer fits
    (finding,) = found(rules_checker, over, "platform.length", "acme")
    assert finding.text == URL
    assert "links" in finding.message or "link" in finding.message


def test_length_bluesky_counts_300_emoji_as_300(rules_checker: Checker) -> None:
    assert found(rules_checker, "\U0001f3d4\ufe0f" * 300, "platform.length", "sam") == []
    (finding,) = found(rules_checker, "\U0001f3d4" * 301, "platform.length", "sam")
    assert finding.text == "\U0001f3d4"
    assert finding.message.startswith("1 character over Bluesky's 300-character limit")


def test_length_x_counts_cjk_twice(rules_checker: Checker) -> None:
    assert found(rules_checker, "漢" * 140, "platform.length", "harbor") == []
    (finding,) = found(rules_checker, "漢" * 141, "platform.length", "harbor")
    assert finding.text == "漢"
    assert finding.message.startswith("2 characters over X's 280-character limit (282 counted")


def test_length_x_281_latin_characters_is_one_over(rules_checker: Checker) -> None:
    assert found(rules_checker, "a" * 280, "platform.length", "harbor") == []
    (finding,) = found(rules_checker, "a" * 280 + "!", "platform.length", "harbor")
    assert finding.text == "!"


def test_length_span_points_at_original_characters_after_fullwidth(rules_checker: Checker) -> None:
    text = "ａ" * 10 + "b" * 491  # fullwidth letters count one each on Mastodon
    (finding,) = found(rules_checker, text, "platform.length", "acme")
    assert finding.text == "b"


def test_length_has_no_limit_for_outbox_destinations(rules_checker: Checker, make_workspace) -> None:  # type: ignore[no-untyped-def]
    from checks import load_workspace

    accounts = '[[account]]\nid = "desk"\nplatform = "outbox"\nhandle = "desk"\nname = "Desk"\nkind = "brand"\n'
    checker = Checker(load_workspace(make_workspace(accounts=accounts)), use_model=False)
    assert found(checker, "x" * 10_000, "platform.length", "desk") == []


# --- platform.vocabulary -------------------------------------------------------------------------


def test_vocabulary_suggests_mastodon_words(rules_checker: Checker) -> None:
    report = rules_checker.check("New tent is here! Please retweet.", "acme")
    (finding,) = [f for f in report.findings if f.check == "platform.vocabulary"]
    assert (finding.text, finding.suggestion) == ("retweet", "boost")
    assert finding.message.startswith("“retweet” is X's word; on Mastodon people say “boost”")
    assert finding.severity is Severity.WARN
    assert report.verdict is Verdict.CONFIRM


@pytest.mark.parametrize(
    "account, text, word, suggestion",
    [
        ("acme", "Retweets welcome!", "Retweets", "Boosts"),
        ("acme", "RT @trailclub: great day out", "RT", "boost"),
        ("acme", "Quote tweet us your best photo", "Quote tweet", "Quote post"),
        ("sam", "my last tweet was a joke", "tweet", "post"),
        ("sam", "TOOT TOOT", "TOOT", "POST"),
        ("harbor", "Toot this if you love coffee", "Toot", "Post"),
        ("harbor", "Boosts appreciated!", "Boosts appreciated", "Reposts appreciated"),
    ],
)
def test_vocabulary_keeps_the_drafts_capitalisation(
    rules_checker: Checker, account: str, text: str, word: str, suggestion: str
) -> None:
    findings = found(rules_checker, text, "platform.vocabulary", account)
    assert (findings[0].text, findings[0].suggestion) == (word, suggestion)


def test_vocabulary_found_through_zero_width_space(rules_checker: Checker) -> None:
    text = "please re\u200btweet"
    (finding,) = found(rules_checker, text, "platform.vocabulary", "acme")
    assert finding.text == "re\u200btweet"


@pytest.mark.parametrize(
    "account, text",
    [
        ("harbor", "Please retweet and tweet at us!"),  # X's own words on X
        ("harbor", "A flat white will boost your morning."),  # "boost" as plain English
        ("acme", "Boost this if you love the outdoors! Our post about parkas is up."),  # Mastodon's own words
        ("sam", "Reposted! My post about #tweetdeck and @tweetbot fans."),
        ("acme", "The sport, the art, the ART of RTE news."),
    ],
)
def test_vocabulary_leaves_the_platforms_own_words_alone(rules_checker: Checker, account: str, text: str) -> None:
    assert found(rules_checker, text, "platform.vocabulary", account) == []


# --- platform.handle -----------------------------------------------------------------------------


def test_handle_fediverse_address_on_x(rules_checker: Checker) -> None:
    report = rules_checker.check("Thanks @maria@hachyderm.io for the beans!", "harbor")
    (finding,) = [f for f in report.findings if f.check == "platform.handle"]
    assert finding.text == "@maria@hachyderm.io"
    assert "Mastodon" in finding.message and "will not link" in finding.message
    assert finding.severity is Severity.WARN


def test_handle_bluesky_handle_on_mastodon_and_x(rules_checker: Checker) -> None:
    for account in ("acme", "harbor"):
        (finding,) = found(rules_checker, "Photo by @jo.bsky.social, thanks!", "platform.handle", account)
        assert finding.text == "@jo.bsky.social"
        assert "Bluesky handle" in finding.message


def test_handle_bare_name_on_bluesky(rules_checker: Checker) -> None:
    (finding,) = found(rules_checker, "Lovely hike with @jordan today.", "platform.handle", "sam")
    assert finding.text == "@jordan"
    assert "will not tag anyone on Bluesky" in finding.message
    assert "@jordan.bsky.social" in finding.message


def test_handle_fediverse_address_on_bluesky(rules_checker: Checker) -> None:
    (finding,) = found(rules_checker, "cc @bob@mastodon.social", "platform.handle", "sam")
    assert finding.text == "@bob@mastodon.social"


@pytest.mark.parametrize(
    "account, text",
    [
        ("acme", "Thanks @maria@hachyderm.io and @trailclub!"),  # native on Mastodon
        ("sam", "Thanks @jo.bsky.social and @acme.example!"),  # native on Bluesky
        ("harbor", "Thanks @HarborFan_99!"),  # native on X
        ("sam", "Mail sam@example.com or hello@acme.example, see you @5pm"),  # e-mails and times
        ("harbor", "Write to maria.g@gmail.com"),
        ("acme", "Write to jo.smith@bsky.social.example"),
    ],
)
def test_handle_leaves_native_handles_and_emails_alone(rules_checker: Checker, account: str, text: str) -> None:
    assert found(rules_checker, text, "platform.handle", account) == []


# --- the whole category --------------------------------------------------------------------------


@pytest.mark.parametrize("account", ["acme", "sam", "harbor"])
def test_ordinary_post_has_no_platform_findings(rules_checker: Checker, account: str) -> None:
    text = (
        "Fresh tracks ahead! The Acme Outdoor winter collection is in stores now. Come say hi this "
        "Saturday, and share your photos: https://acme.example/winter #AcmeOutdoor"
    )
    assert platform_findings(rules_checker, text, account) == []


def test_length_counts_what_was_typed_family_emoji_is_one_grapheme(rules_checker: Checker) -> None:
    family = "👨\u200d👩\u200d👧"
    report = rules_checker.check(family * 301, "sam")
    (finding,) = [f for f in report.findings if f.check == "platform.length"]
    assert "1 character over Bluesky's 300-character limit (301 counted" in finding.message
    assert finding.text == family  # exactly the last family, joiners included


def test_length_counts_zero_width_spaces_the_platform_will_receive(rules_checker: Checker) -> None:
    report = rules_checker.check("a\u200b" * 150, "sam")  # 300 graphemes: fits exactly
    assert not [f for f in report.findings if f.check == "platform.length"]
    report = rules_checker.check("a\u200b" * 150 + "b", "sam")
    assert [f.text for f in report.findings if f.check == "platform.length"] == ["b"]
