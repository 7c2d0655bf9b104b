"""Secrets in drafts: tokens of known services, written-out passwords, random keys, private links.

The fake credentials are built from pieces so that no scanner mistakes this file for a leak.
"""

from __future__ import annotations

import pytest

from checks import Checker, Severity, Verdict
from checks.secrets import looks_random
from tests.checks.support import found, in_category

GITHUB = "ghp_" + "A1b2C3d4E5" * 3 + "F6g7H8"  # 36 characters after the prefix
SLACK_HOOK = "https://hooks.slack.com/services/" + "T0123ABCD/B0456EFGH/" + "abcDEF123ghiJKL456mnoPQR"
AWS = "AKIA" + "IOSFODNN7EXAMPLE"
STRIPE = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
GOOGLE = "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
JWT = "eyJ" + "hbGciOiJIUzI1NiJ9" + ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0" + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
OPENAI = "sk-" + "proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1w"
DISCORD = "https://discord.com/api/webhooks/" + "123456789012345678/" + "AbCdEf-GhIjKlMnOpQrStUvWxYz0123456789"
PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"

SECRET_CHECKS = ("secret.provider_token", "secret.assignment", "secret.high_entropy", "secret.private_url")


# --- secret.provider_token -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "token, service",
    [
        (GITHUB, "GitHub"),
        ("xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOp", "Slack"),
        (SLACK_HOOK, "Slack webhook"),
        (AWS, "AWS"),
        (STRIPE, "Stripe"),
        (GOOGLE, "Google API key"),
        (JWT, "JWT"),
        (OPENAI, "OpenAI"),
        (DISCORD, "Discord webhook"),
        (PEM, "private key"),
    ],
)
def test_provider_token_quotes_exactly_the_token_and_names_the_service(
    rules_checker: Checker, token: str, service: str
) -> None:
    report = rules_checker.check(f"Quick fix for the bot, use {token}. Thanks!", "acme")
    tokens = [f for f in report.findings if f.check == "secret.provider_token"]
    assert [f.text for f in tokens] == [token]
    assert service in tokens[0].message
    assert "remove it" in tokens[0].message
    assert tokens[0].severity is Severity.BLOCK
    assert report.verdict is Verdict.BLOCKED


def test_provider_token_message_says_what_to_revoke(rules_checker: Checker) -> None:
    (finding,) = [f for f in rules_checker.check(f"token {GITHUB}", "sam").findings if f.category == "secret"]
    assert finding.message.startswith("This looks like a GitHub access token. Anyone who sees the post could use it")
    assert "revoke" in finding.message


def test_provider_token_found_through_fullwidth_and_zero_width_tricks(rules_checker: Checker) -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in GITHUB)
    text = f"here: {fullwidth} ok"
    assert found(rules_checker, text, "secret.provider_token") == [fullwidth]

    hidden = AWS[:6] + "\u200b" + AWS[6:]
    assert found(rules_checker, f"key {hidden} done", "secret.provider_token") == [hidden]


def test_token_look_alikes_are_not_provider_tokens(rules_checker: Checker) -> None:
    text = "ghp_ is GitHub's prefix; AKIA is AWS's. Our sk-8 skis and the eyJ... format are not secrets."
    assert found(rules_checker, text, "secret.provider_token") == []


# --- secret.assignment ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("wifi password: hunter22", "hunter22"),
        ("The guest password is Welcome2024!", "Welcome2024"),
        ("Password: swordfish", "swordfish"),
        ("token=abc123def456ghi", "abc123def456ghi"),
        ('api_key = "not-so-secret"', "not-so-secret"),
        ("export DB_PASSWORD=s3cr3t", "s3cr3t"),
        ("pwd: 7f!Qa9", "7f!Qa9"),
        ("Zoom passcode: 918273", "918273"),
        ("secret = 'letmein'", "letmein"),
        ("Authorization: Bearer abcdefghijkl12345", "abcdefghijkl12345"),
    ],
)
def test_assignment_span_covers_only_the_value(rules_checker: Checker, text: str, value: str) -> None:
    findings = [f for f in rules_checker.check(text, "acme").findings if f.check == "secret.assignment"]
    assert [f.text for f in findings] == [value]
    assert findings[0].suggestion == ""  # the fix is to take the value out
    assert findings[0].severity is Severity.BLOCK


def test_assignment_found_when_keyword_hides_a_zero_width_space(rules_checker: Checker) -> None:
    text = "pass\u200bword: hunter22"
    report = rules_checker.check(text, "acme")
    (finding,) = [f for f in report.findings if f.check == "secret.assignment"]
    assert finding.text == "hunter22"
    assert text[finding.start : finding.end] == "hunter22"
    assert report.verdict is Verdict.BLOCKED


def test_assignment_found_when_keyword_is_fullwidth(rules_checker: Checker) -> None:
    text = "ｐａｓｓｗｏｒｄ：ｈｕｎｔｅｒ２２"
    (finding,) = [f for f in rules_checker.check(text, "acme").findings if f.check == "secret.assignment"]
    assert finding.text == "ｈｕｎｔｅｒ２２"  # the characters the person typed


@pytest.mark.parametrize(
    "text",
    [
        "The secret: patience.",
        "Your password is incorrect? Reset it from the login page.",
        "Password: at least 12 characters, please.",
        "The token is valid for 24h.",
        "Our secret ingredient is love, and the key = good beans.",
        "Passwords should be long. Use a password manager!",
        "Set password: ******** and token: <your-token>",
    ],
)
def test_assignment_ignores_ordinary_talk_about_passwords(rules_checker: Checker, text: str) -> None:
    assert found(rules_checker, text, "secret.assignment") == []


# --- secret.high_entropy -------------------------------------------------------------------------


def test_high_entropy_string_is_a_warning(rules_checker: Checker) -> None:
    report = rules_checker.check("restore code 9fJ3kL0pQ7zX2mN8vB4cT6 if needed.", "acme")
    (finding,) = [f for f in report.findings if f.category == "secret"]
    assert finding.check == "secret.high_entropy"
    assert finding.text == "9fJ3kL0pQ7zX2mN8vB4cT6"
    assert finding.severity is Severity.WARN
    assert report.verdict is Verdict.CONFIRM


@pytest.mark.parametrize(
    "text",
    [
        "Supercalifragilisticexpialidocious and #WinterCollection2025Launch are here!",
        "ThanksEveryoneForComing2024 was a blast.",
        "Order ORDER2024000123456789 ships on 2024-06-01; call 18005550199123456789.",
        "Read https://acme.example/blog/2025/winter-collection-a8f3k2j9q1x7z5w4 for more.",
        "Email ab12cd34ef56gh78ij90@acme.example for the lookbook.",
        "abc123abc123abc123abc123 is a pattern, not a key.",
    ],
)
def test_high_entropy_ignores_words_hashtags_numbers_links_and_emails(rules_checker: Checker, text: str) -> None:
    assert found(rules_checker, text, "secret.high_entropy") == []


def test_looks_random_separates_keys_from_slogans() -> None:
    assert looks_random("q8Zr2LmX0vT5nB7cY3wK")
    assert looks_random("3f786850e387550fdab836ed7e6dc881de23001b")
    assert not looks_random("SummerSale2024EverythingMustGo")
    assert not looks_random("iPhone15ProMaxUnboxing2023")


def test_token_found_once_not_also_as_random_string(rules_checker: Checker) -> None:
    assert [f.check for f in in_category("secret", rules_checker, f"use {GITHUB}")] == ["secret.provider_token"]


# --- secret.private_url --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "http://localhost:8080/admin",
        "localhost:3000",
        "http://192.168.1.20/dashboard",
        "http://10.0.0.5:9000",
        "https://wiki.acme.corp/launch-plan",
        "jira.internal/browse/MKT-42",
        "http://printer.local/status",
        "https://intranet.acme.example/news",
    ],
)
def test_private_url_flags_internal_hosts(rules_checker: Checker, link: str) -> None:
    report = rules_checker.check(f"Notes are at {link}.", "acme")
    findings = [f for f in report.findings if f.check == "secret.private_url"]
    assert [f.text for f in findings] == [link]
    assert "private network" in findings[0].message
    assert findings[0].severity is Severity.WARN


def test_private_url_with_password_suggests_the_link_without_it(rules_checker: Checker) -> None:
    (finding,) = [
        f
        for f in rules_checker.check("Data at https://bob:pa55word@files.acme.example/report.csv", "acme").findings
        if f.check == "secret.private_url"
    ]
    assert finding.text == "https://bob:pa55word@files.acme.example/report.csv"
    assert finding.suggestion == "https://files.acme.example/report.csv"
    assert "password" in finding.message


def test_private_url_with_token_parameter_suggests_the_link_without_it(rules_checker: Checker) -> None:
    link = "https://shop.acme.example/preview?item=42&token=f00dfeed1234&utm_source=x"
    report = rules_checker.check(f"Sneak peek: {link}", "acme")
    (finding,) = [f for f in report.findings if f.check == "secret.private_url"]
    assert finding.text == link
    assert finding.suggestion == "https://shop.acme.example/preview?item=42&utm_source=x"
    assert "“token”" in finding.message


@pytest.mark.parametrize(
    "link",
    [
        "https://docs.google.com/document/d/1aBcDeFgHiJ/edit?usp=sharing",
        "https://docs.google.com/spreadsheets/d/1aBcDeFgHiJ/edit#gid=0",
        "https://drive.google.com/drive/folders/1aBcDeFgHiJ",
        "https://acme.sharepoint.com/sites/marketing/launch.docx",
        "https://www.notion.so/acme/Launch-plan-0123abcd",
    ],
)
def test_private_url_flags_document_share_links(rules_checker: Checker, link: str) -> None:
    assert found(rules_checker, f"Draft is here: {link} (comments welcome)", "secret.private_url") == [link]


def test_private_url_ignores_public_links_and_emails(rules_checker: Checker) -> None:
    text = (
        "New arrivals: https://acme.example/winter?utm_source=mastodon&utm_campaign=launch, "
        "docs at https://docs.google.com/forms/d/e/1FAIpQLSf/viewform, and mail bob@acme.corp or "
        "see https://en.wikipedia.org/wiki/Parka_(clothing). We test on localhost too."
    )
    assert found(rules_checker, text, "secret.private_url") == []


def test_private_url_through_zero_width_space_points_at_original(rules_checker: Checker) -> None:
    text = "see http://local\u200bhost:8080/x now"
    (finding,) = [f for f in rules_checker.check(text, "acme").findings if f.check == "secret.private_url"]
    assert finding.text == "http://local\u200bhost:8080/x"


# --- the whole category --------------------------------------------------------------------------


@pytest.mark.parametrize("account", ["acme", "sam", "harbor"])
def test_ordinary_posts_have_no_secret_findings(rules_checker: Checker, account: str) -> None:
    text = (
        "Fresh tracks ahead! The Acme Outdoor winter collection is in stores now. Our secret? "
        "Recycled down and a 2-year warranty. Shop at https://acme.example/winter or ask hello@acme.example. "
        "Password resets and login tokens are handled by our app; never share them. #AcmeOutdoor #Winter2025"
    )
    assert in_category("secret", rules_checker, text, account) == []


def test_secret_checks_are_all_registered(rules_checker: Checker) -> None:
    from checks.registry import known_check_ids

    assert set(SECRET_CHECKS) <= set(known_check_ids())
