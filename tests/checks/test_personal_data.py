"""Personal data on the demo's brand account ("acme"), whose policy blocks phone numbers."""

import pytest

from checks import Checker, Verdict
from tests.checks.support import found


@pytest.mark.parametrize(
    "text, number",
    [
        ("Call Dana on (303) 555-0147 tonight", "(303) 555-0147"),
        ("ring me: +44 20 7946 0958", "+44 20 7946 0958"),
        ("Mein Handy: +49 151 23456789.", "+49 151 23456789"),
        ("office 089 72 63 41, thanks", "089 72 63 41"),
    ],
)
def test_phone_numbers_are_found_in_international_formats(rules_checker: Checker, text: str, number: str) -> None:
    assert found(rules_checker, text, "personal_data.phone") == [number]


def test_phone_blocks_on_brand_account_per_demo_policy(rules_checker: Checker) -> None:
    assert rules_checker.check("Text me at 303-555-0147", "acme").verdict is Verdict.BLOCKED
    assert rules_checker.check("Text me at 303-555-0147", "sam").verdict is Verdict.CONFIRM


def test_public_contact_number_is_not_flagged(rules_checker: Checker) -> None:
    assert found(rules_checker, "Questions? Call us on +1 800 555 0199.", "personal_data.phone") == []


def test_numbers_that_are_not_phones_are_left_alone(rules_checker: Checker) -> None:
    text = "Doors open 2024-06-01, 1,250,000 visitors in 2023, order #12345, save 30%."
    assert found(rules_checker, text, "personal_data.phone") == []


def test_email_found_but_public_contact_allowed(rules_checker: Checker) -> None:
    text = "Write to maria.g@gmail.com or hello@acme.example"
    assert found(rules_checker, text, "personal_data.email") == ["maria.g@gmail.com"]


def test_card_number_requires_luhn(rules_checker: Checker) -> None:
    assert found(rules_checker, "card 4111 1111 1111 1111 exp 09/27", "personal_data.card") == ["4111 1111 1111 1111"]
    assert found(rules_checker, "card 4111 1111 1111 1112", "personal_data.card") == []


def test_card_blocks(rules_checker: Checker) -> None:
    assert rules_checker.check("4111-1111-1111-1111", "sam").verdict is Verdict.BLOCKED


def test_iban_requires_checksum_and_allows_lowercase(rules_checker: Checker) -> None:
    assert found(rules_checker, "pay to GB82 WEST 1234 5698 7654 32 today", "personal_data.iban") == [
        "GB82 WEST 1234 5698 7654 32"
    ]
    assert found(rules_checker, "iban gb82west12345698765432", "personal_data.iban") == ["gb82west12345698765432"]
    assert found(rules_checker, "GB83 WEST 1234 5698 7654 32", "personal_data.iban") == []


def test_national_ids(rules_checker: Checker) -> None:
    assert found(rules_checker, "SSN 078-05-1120", "personal_data.national_id") == ["078-05-1120"]
    assert found(rules_checker, "SSN 000-05-1120", "personal_data.national_id") == []
    assert found(rules_checker, "My driver's license number is LH329609T", "personal_data.national_id") == ["LH329609T"]
    assert found(rules_checker, "NI number AB 12 34 56 C", "personal_data.national_id") == ["AB 12 34 56 C"]


def test_ip_addresses_v4_and_v6(rules_checker: Checker) -> None:
    text = "from 86.231.85.193 and 3b20:9a3a:1b2f:7ce:9ef1:4787:85fc:261e, not 999.1.1.1 or version 1.2.3.4.5"
    assert found(rules_checker, text, "personal_data.ip_address") == [
        "86.231.85.193",
        "3b20:9a3a:1b2f:7ce:9ef1:4787:85fc:261e",
    ]


def test_date_of_birth_needs_birth_words(rules_checker: Checker) -> None:
    assert found(rules_checker, "She was born on 2/7/1961.", "personal_data.date_of_birth") == ["2/7/1961"]
    assert found(rules_checker, "DOB: March 3rd, 1990", "personal_data.date_of_birth") == ["March 3rd, 1990"]
    assert found(rules_checker, "Sale ends 2/7/2027.", "personal_data.date_of_birth") == []


@pytest.mark.parametrize(
    "text, address",
    [
        ("The letter arrived at 4589 40th Street Suite 603 Calgary AB last night.", "4589 40th Street Suite 603"),
        ("Send it to 221B Baker Street, London NW1 6XE", "221B Baker Street"),
        ("Ci vediamo in Via Goffredo Mameli 149 domani", "Via Goffredo Mameli 149"),
    ],
)
def test_street_addresses(rules_checker: Checker, text: str, address: str) -> None:
    hits = found(rules_checker, text, "personal_data.address")
    assert len(hits) == 1 and hits[0].startswith(address)


def test_person_names_need_the_model(rules_checker: Checker) -> None:
    report = rules_checker.check("Great chat with Maria Gonzalez today", "acme")
    assert "personal_data.person" in {s.check for s in report.skipped}
    assert all("switched off" in s.reason for s in report.skipped)


def test_private_person_flagged_but_spokesperson_and_own_people_allowed(model_checker: Checker) -> None:
    text = "Alex Rivera and Maria Gonzalez met at the Denver store. Jordan Lee joined later."
    assert found(model_checker, text, "personal_data.person") == ["Maria Gonzalez"]


def test_person_name_possessive_is_trimmed(model_checker: Checker) -> None:
    assert found(model_checker, "Thanks to Peter Friedman's team for the help!", "personal_data.person") == [
        "Peter Friedman"
    ]


def test_personal_account_names_are_info_only(model_checker: Checker) -> None:
    report = model_checker.check("Dinner with Maria Gonzalez tonight", "sam")
    assert report.verdict is Verdict.CLEAR
    assert [f.severity.value for f in report.findings if f.check == "personal_data.person"] == ["info"]


def test_places_organisations_and_links_are_notes_that_never_block(model_checker: Checker) -> None:
    text = "Thanks Smith Ltd. for the visit to our Calgary store! More at http://www.visualtrips.hu/"
    report = model_checker.check(text, "acme")
    notes = {(f.check, f.text) for f in report.findings}
    assert notes == {
        ("personal_data.organization", "Smith Ltd."),
        ("personal_data.location", "Calgary"),
        ("personal_data.website", "http://www.visualtrips.hu/"),
    }
    assert report.verdict is Verdict.CLEAR


def test_lowercase_country_found_but_not_the_food(model_checker: Checker) -> None:
    assert found(model_checker, "she is moving to portugal next week", "personal_data.location") == ["portugal"]
    assert found(model_checker, "roast turkey for everyone", "personal_data.location") == []


def test_own_brand_site_is_not_a_note(rules_checker: Checker) -> None:
    assert found(rules_checker, "Shop at www.acme.com today", "personal_data.website") == []
    assert found(rules_checker, "Shop at www.northpeak.com today", "personal_data.website") == ["www.northpeak.com"]


def test_private_link_is_not_also_a_note(rules_checker: Checker) -> None:
    report = rules_checker.check("see http://localhost:8080/admin", "acme")
    assert [f.check for f in report.findings] == ["secret.private_url"]


def test_postal_address_block_is_one_finding(rules_checker: Checker) -> None:
    text = "Sharon Adamson\n\n35 Kromwater 38\n Apt. 705\n Zoetermeer\n Tanzania 53144\nThanks!"
    assert found(rules_checker, text, "personal_data.address") == [
        "35 Kromwater 38\n Apt. 705\n Zoetermeer\n Tanzania 53144"
    ]


def test_introduced_address_runs_past_abbreviation_dots(rules_checker: Checker) -> None:
    text = "here's her address: 19 pierre delannoyplaats 211 apt. 098 erwetegem. Bye"
    assert found(rules_checker, text, "personal_data.address") == ["19 pierre delannoyplaats 211 apt. 098 erwetegem"]


def test_sentence_dot_is_not_part_of_the_address(rules_checker: Checker) -> None:
    assert found(rules_checker, "We are at 12 Main Street. See you!", "personal_data.address") == ["12 Main Street"]
    assert found(rules_checker, "We are at 12 Main St. today", "personal_data.address") == ["12 Main St."]


def test_names_listed_with_a_name_are_names_too(model_checker: Checker) -> None:
    names = found(model_checker, "They had 6: Malon, Mark, Miguel and Jennifer.", "personal_data.person")
    assert {"Malon", "Miguel", "Jennifer"} <= set(names)


def test_naming_cue_marks_a_name(model_checker: Checker) -> None:
    assert found(model_checker, "Sometimes people call me Christophe", "personal_data.person") == ["Christophe"]


def test_spokesperson_after_greeting_word_is_still_allowed(model_checker: Checker) -> None:
    assert found(model_checker, "Meet Alex Rivera at the Denver store!", "personal_data.person") == []


def test_ip_address_after_the_word_address_stays_an_ip(rules_checker: Checker) -> None:
    report = rules_checker.check("keep getting address 86.231.85.193 blocked error", "acme")
    assert [(f.check, f.text) for f in report.findings] == [("personal_data.ip_address", "86.231.85.193")]
