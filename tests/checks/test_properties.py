"""Whatever a person pastes, every finding points inside the text and quotes it exactly."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checks import Checker

# Text built from pieces the checks react to, mixed with arbitrary Unicode (surrogates included),
# so the property is exercised on findings and not only on empty reports.
PIECES = st.sampled_from(
    [
        "303-555-0147",
        "+44 20 7946 0958",
        "maria@example.org",
        "4111 1111 1111 1111",
        "GB82 WEST 1234 5698 7654 32",
        "078-05-1120",
        "10.0.0.1",
        "born 2/7/1961",
        "221 Baker Street",
        "\u200b",
        "\u200d",
        "ﬁ",
        "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
        "Раypal",
        "e\u0301",
        "👩🏽‍💻",
        "שלום",
        " ",
        "\n",
    ]
)
DRAFTS = st.lists(st.one_of(PIECES, st.text()), max_size=12).map("".join)


def assert_spans_quote_the_text(checker: Checker, text: str) -> None:
    for account in ("acme", "sam", "harbor"):
        report = checker.check(text, account)
        for finding in report.findings:
            assert 0 <= finding.start < finding.end <= len(text)
            assert text[finding.start : finding.end] == finding.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DRAFTS)
@example("mail m\u200ba\u200bria@gm\u200dail.com \ud800 now")
def test_any_text_yields_spans_inside_it_that_quote_it(rules_checker: Checker, text: str) -> None:
    assert_spans_quote_the_text(rules_checker, text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DRAFTS)
def test_any_text_with_the_model_quotes_exactly(model_checker: Checker, text: str) -> None:
    assert_spans_quote_the_text(model_checker, text)
