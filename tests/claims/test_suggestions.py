"""The suggestion rules one by one, on short texts written for these tests, and the seed."""

from datetime import date
from pathlib import Path

import pytest

from claims.suggestions import Suggestion, suggest_claims

WED = date(2024, 1, 17)  # a Wednesday
FRI = date(2025, 10, 17)  # the seed article's Friday
SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_acb50f9ee6de49bb.txt"


def one(text: str, published: date = WED) -> Suggestion:
    found = suggest_claims(text, published)
    assert len(found) == 1, [text[s.quote_start : s.quote_end] for s in found]
    return found[0]


def quotes(text: str, published: date = WED) -> list[str]:
    return [text[s.quote_start : s.quote_end] for s in suggest_claims(text, published)]


# -- future vs past --------------------------------------------------------------------


def test_a_future_statement_is_suggested_and_a_past_report_is_not() -> None:
    text = (
        "The ferry company cancelled its winter timetable in November. "
        "The company will restore the Sunday crossing next Tuesday, its director said."
    )
    assert quotes(text) == ["The company will restore the Sunday crossing next Tuesday"]


def test_the_span_is_exact_and_excludes_the_attribution() -> None:
    text = "The bridge will reopen on Friday, the mayor said on Wednesday."
    s = one(text)
    assert (s.quote_start, s.quote_end) == (0, len("The bridge will reopen on Friday"))
    assert s.time_phrase == "on Friday"
    assert (s.earliest_date, s.due_date) == (date(2024, 1, 19), date(2024, 1, 19))


def test_reported_would_and_plan_verbs_are_claims() -> None:
    text = (
        "Mayor Ana Ruiz said the council would vote on the budget next week. "
        "The water board plans to raise prices in March. "
        "The port is set to open a second terminal by 2026."
    )
    assert quotes(text) == [
        "the council would vote on the budget next week",
        "The water board plans to raise prices in March",
        "The port is set to open a second terminal by 2026",
    ]


def test_a_past_perfect_agreement_is_not_a_claim() -> None:
    text = "Mira Lund said the two teams had already agreed on how the money would be shared."
    assert quotes(text) == []


def test_questions_are_not_claims() -> None:
    assert quotes("Will the parliament ratify the accord before its summer recess?") == []


def test_not_saying_what_will_happen_is_not_a_claim() -> None:
    assert quotes("The ministry did not say how large the new offer would be.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Ana Ruiz would not say how much the repairs would cost.",
        "None of the agents would give an estimate.",
        '"We would rather be late than wrong," Ana Ruiz said.',
        "Everyone assumed the harvest would arrive as usual.",
        "Members have so far refused to comment.",
    ],
)
def test_refusing_to_say_wishes_and_past_assumptions_are_not_claims(sentence: str) -> None:
    assert quotes(sentence) == []


def test_a_quote_restating_a_reported_claim_is_suggested_once() -> None:
    text = (
        "Commander Yusuf Darrel said his fighters would pull back heavy weapons within 24 hours. "
        '"Our artillery will be behind the line within 24 hours," he told the wire.'
    )
    assert quotes(text) == ["his fighters would pull back heavy weapons within 24 hours"]


# -- speculation, conditionals, denials -------------------------------------------------


@pytest.mark.parametrize("modal", ["could", "might", "may"])
def test_could_might_may_speculation_is_not_a_claim(modal: str) -> None:
    assert quotes(f"Analysts said prices {modal} fall once the tariffs go.") == []


def test_a_conditional_is_a_claim() -> None:
    text = "Union leader Kai Berg said members would strike on Monday if the offer did not improve."
    s = one(text)
    assert text[s.quote_start : s.quote_end] == (
        "members would strike on Monday if the offer did not improve"
    )
    assert s.claimant == "Kai Berg"
    assert s.due_date == date(2024, 1, 22)


def test_a_denial_of_a_future_event_is_a_claim() -> None:
    text = "The port will not close during the strike, said Lena Ostrova, the chief executive."
    s = one(text)
    assert text[s.quote_start : s.quote_end] == "The port will not close during the strike"
    assert s.claimant == "Lena Ostrova"
    assert s.statement == "The port will not close during the strike."


def test_a_promise_or_a_ruling_out_with_an_object_is_a_claim() -> None:
    text = "Mayor Ana Ruiz promised a new bus route by the summer."
    s = one(text)
    assert text[s.quote_start : s.quote_end] == "promised a new bus route by the summer"
    assert s.claimant == "Ana Ruiz"
    assert s.statement == "Ana Ruiz promised a new bus route by the summer."
    assert s.claim_type == "promise"
    assert quotes("The minister ruled out a freeze on rents.") == [
        "The minister ruled out a freeze on rents"
    ]


def test_a_denial_reported_as_speech_keeps_its_negation_in_the_statement() -> None:
    text = "Lena Ostrova denied that the port would close during the strike."
    s = one(text)
    assert text[s.quote_start : s.quote_end] == "denied that the port would close during the strike"
    assert s.claimant == "Lena Ostrova"
    assert s.statement == "The port will not close during the strike."


# -- attribution ------------------------------------------------------------------------


def test_attribution_before_the_claim() -> None:
    s = one("Ingrid Solvang said she would travel to both capitals on Friday.")
    assert s.claimant == "Ingrid Solvang"
    assert s.statement == "Ingrid Solvang will travel to both capitals on Friday."


def test_attribution_after_a_quote() -> None:
    text = '"I expect a signed text by the end of the month," said Ingrid Solvang, the mediator.'
    s = one(text)
    assert text[s.quote_start : s.quote_end] == "I expect a signed text by the end of the month"
    assert s.claimant == "Ingrid Solvang"
    assert s.due_date == date(2024, 1, 31)
    assert s.earliest_date is None


def test_according_to() -> None:
    text = "The plant will close in March, according to Tomas Abedi, the union's treasurer."
    s = one(text)
    assert s.claimant == "Tomas Abedi"
    assert text[s.quote_start : s.quote_end] == "The plant will close in March"


def test_a_surname_is_reported_as_the_first_full_name() -> None:
    text = (
        "Talks resumed in Geneva, said Ingrid Solvang, a Norwegian diplomat. "
        "Solvang said a deal would be signed within two weeks."
    )
    s = one(text)
    assert s.claimant == "Ingrid Solvang"
    assert (s.earliest_date, s.due_date) == (WED, date(2024, 1, 31))


def test_an_organisation_speaks() -> None:
    text = "The Valmora Port Authority said in a statement that it would present a new offer within 48 hours."
    s = one(text)
    assert s.claimant == "Valmora Port Authority"
    assert s.due_date == date(2024, 1, 19)


def test_no_attribution_is_the_reporters_own_claim() -> None:
    s = one("The two leaders will meet at the White House on Friday morning.")
    assert s.claimant is None


def test_a_quote_without_attribution_continues_the_one_before() -> None:
    text = '"We have been patient," Kofi Mensah said. "We will walk out on Monday."'
    s = one(text)
    assert s.claimant == "Kofi Mensah"
    assert s.due_date == date(2024, 1, 22)


def test_a_few_quoted_words_inside_a_reported_clause_stay_in_it() -> None:
    text = 'Ana Ruiz said the council would "look again" at the fares by March.'
    s = one(text)
    assert text[s.quote_start : s.quote_end] == (
        'the council would "look again" at the fares by March'
    )
    assert s.claimant == "Ana Ruiz"
    assert s.time_phrase == "by March"


# -- pronouns and titles ----------------------------------------------------------------


def test_a_pronoun_points_back_to_the_last_person_of_that_gender() -> None:
    text = (
        "Harriet Oyelaran said she had seen the damage. "
        "She toured the town with the mayor, Mr. Ankersmit, on Tuesday. "
        "She said repairs would be finished before Christmas."
    )
    s = one(text)
    assert s.claimant == "Harriet Oyelaran"
    assert s.due_date == date(2024, 12, 24)


def test_a_pronoun_after_a_quote_is_the_speaker_not_a_name_inside_the_quote() -> None:
    text = (
        '"Mr. Putin should have stopped this," Mr. Ortega said. '
        '"We will sign the sanctions on Friday," he added.'
    )
    s = one(text)
    assert s.claimant == "Ortega"


def test_a_title_points_back_to_the_person_given_that_title() -> None:
    text = (
        "Marta Ilves, the council's secretary-general, opened the meeting. "
        "The secretary-general said ministers would meet again in mid-May."
    )
    s = one(text)
    assert s.claimant == "Marta Ilves"


def test_a_title_before_the_name_is_not_part_of_the_name() -> None:
    s = one("Home Affairs Minister Callum Irvine said the office would open on Saturdays.")
    assert s.claimant == "Callum Irvine"


def test_known_people_turn_an_alias_into_the_person() -> None:
    text = "Mr. Trump said he would visit Budapest next week."
    [s] = suggest_claims(text, FRI, known_people={"Mr. Trump": "Donald Trump"})
    assert s.claimant == "Donald Trump"
    assert s.statement == "Donald Trump will visit Budapest next week."
    assert one(text, FRI).claimant == "Trump"


# -- speech time ------------------------------------------------------------------------


def test_said_on_an_earlier_day_reads_the_phrase_from_that_day() -> None:
    # Friday 19 January; said on Tuesday 16 January: "next week" is still 22-28 Jan but
    # "tomorrow" is Wednesday 17th.
    text = "The mayor said on Tuesday that the pool would reopen tomorrow."
    s = one(text, date(2024, 1, 19))
    assert s.reference_date == date(2024, 1, 16)
    assert s.due_date == date(2024, 1, 17)
    assert s.reference_note == "from Tue 16 Jan, when it was said"


def test_a_day_opening_the_sentence_is_the_speech_day() -> None:
    text = "On Monday, Ana Ruiz told reporters that the vote would be held within 10 days."
    s = one(text, date(2024, 1, 19))
    assert s.reference_date == date(2024, 1, 15)
    assert (s.earliest_date, s.due_date) == (date(2024, 1, 15), date(2024, 1, 25))


@pytest.mark.parametrize(
    "attribution",
    [
        "said in a call on Thursday that",
        "told reporters on Thursday that",
        "wrote on Thursday that",
    ],
)
def test_speech_verbs_with_a_day_all_move_the_reference(attribution: str) -> None:
    text = f"Ana Ruiz {attribution} the talks would resume tomorrow."
    s = one(text, date(2024, 1, 19))
    assert s.reference_date == date(2024, 1, 18)
    assert s.due_date == date(2024, 1, 19)
    assert text[s.quote_start : s.quote_end] == "the talks would resume tomorrow"


def test_a_quote_keeps_its_speakers_last_stated_day() -> None:
    text = (
        'Ana Ruiz wrote on Thursday that talks had gone well. "We will meet again tomorrow," '
        "the mayor said."
    )
    s = one(text, date(2024, 1, 19))
    assert s.claimant == "Ana Ruiz"
    assert s.reference_date == date(2024, 1, 18)
    assert s.due_date == date(2024, 1, 19)


def test_without_a_speech_day_the_article_date_is_the_reference() -> None:
    s = one("Ana Ruiz said the vote would be held tomorrow.", date(2024, 1, 19))
    assert s.reference_date == date(2024, 1, 19)
    assert s.due_date == date(2024, 1, 20)
    assert s.reference_note == "from the article's date, Fri 19 Jan"


def test_the_claims_phrase_follows_its_marker_not_the_day_of_the_act() -> None:
    text = "A judge on Monday set a full hearing for Sept. 14 in the case."
    s = one(text, date(2026, 6, 22))
    assert s.time_phrase == "Sept. 14"
    assert (s.earliest_date, s.due_date) == (date(2026, 9, 14), date(2026, 9, 14))


# -- vague windows ----------------------------------------------------------------------


def test_a_vague_phrase_has_no_date() -> None:
    s = one("Ana Ruiz said the council would decide soon.")
    assert s.time_phrase == "soon"
    assert s.vague is True
    assert s.due_date is None


def test_a_decision_under_consideration_without_a_date_is_vague() -> None:
    s = one("The minister is considering a ban on night flights.")
    assert s.vague is True
    assert s.due_date is None


def test_a_claim_without_a_time_phrase_has_no_dates() -> None:
    s = one("Tomas Abedi said his side would not accept any deal without monitors.")
    assert s.time_phrase is None
    assert (s.earliest_date, s.due_date, s.precision) == (None, None, None)
    assert s.vague is False


def test_scores_rank_a_dated_attributed_claim_above_a_bare_consideration() -> None:
    dated = one("The bridge will reopen on Friday, the mayor Ana Ruiz said.")
    considered = one("The board is considering new fares.")
    assert 0 <= considered.score < dated.score <= 1


def test_nothing_in_nothing_out() -> None:
    assert suggest_claims("", WED) == []
    assert suggest_claims("   \n\n  ", WED) == []


@pytest.mark.parametrize(
    "text",
    [
        '"We will win on Friday, she said',  # a quote never closed
        "” will ” said “ would ,, . ? Mr. . he said",
        "Mr. said will would. He. She said. “”",
        "will " * 500,
        "The vote will be held on 31/02/2025, Ana Ruiz said.",
    ],
)
def test_odd_text_gives_spans_inside_the_text_and_never_raises(text: str) -> None:
    for s in suggest_claims(text, WED):
        assert 0 <= s.quote_start < s.quote_end <= len(text)
        assert 0.0 <= s.score <= 1.0


@pytest.mark.parametrize(
    ("text", "claim_type"),
    [
        ("Ana Ruiz said the council would open a new library in May.", "promise"),
        ("Ana Ruiz said she expected prices to fall by June.", "prediction"),
        ("The museum will reopen in May.", "prediction"),
        ("The board is considering new fares.", "other"),
        ("Kai Berg said members would strike if the offer did not improve.", "other"),
    ],
)
def test_claim_types(text: str, claim_type: str) -> None:
    assert one(text).claim_type == claim_type


# -- the seed article -------------------------------------------------------------------


def _seed_suggestions() -> tuple[str, list[Suggestion]]:
    raw = SEED.read_text(encoding="utf-8")
    body = raw.lstrip().partition("\n\n")[2]
    known = {
        "Trump": "Donald Trump",
        "Mr. Trump": "Donald Trump",
        "President Trump": "Donald Trump",
    }
    return body, suggest_claims(body, FRI, known_people=known)


def _find(body: str, found: list[Suggestion], words: str) -> Suggestion:
    start = body.index(words)
    for s in found:
        if s.quote_start <= start < s.quote_end:
            return s
    raise AssertionError(f"no suggestion covers {words!r}")


def test_seed_oval_office_meeting_tomorrow_is_read_from_thursday() -> None:
    body, found = _seed_suggestions()
    s = _find(body, found, "President Zelenskyy and I will be meeting tomorrow")
    assert s.claimant == "Donald Trump"
    assert s.time_phrase == "tomorrow"
    assert s.reference_date == date(2025, 10, 16)
    assert s.reference_note == "from Thu 16 Oct, when it was said"
    assert (s.earliest_date, s.due_date) == (date(2025, 10, 17), date(2025, 10, 17))


def test_seed_advisors_meet_next_week() -> None:
    body, found = _seed_suggestions()
    s = _find(body, found, "there will be a meeting of our High Level Advisors")
    assert s.claimant == "Donald Trump"
    assert (s.earliest_date, s.due_date) == (date(2025, 10, 20), date(2025, 10, 26))


def test_seed_budapest_meeting_within_two_weeks() -> None:
    body, found = _seed_suggestions()
    s = _find(body, found, "the meeting would likely take place sometime during the next two weeks")
    assert s.claimant == "Donald Trump"
    assert (s.earliest_date, s.due_date) == (date(2025, 10, 17), date(2025, 10, 31))


def test_seed_tomahawk_decision_is_vague_with_no_deadline() -> None:
    body, found = _seed_suggestions()
    s = _find(body, found, "he is considering allowing Mr. Zelensky to use")
    assert s.claimant == "Donald Trump"
    assert s.vague is True
    assert (s.earliest_date, s.due_date) == (None, None)
    assert s.statement.startswith("Donald Trump is considering allowing")


def test_seed_reports_of_the_past_are_not_suggested() -> None:
    body, found = _seed_suggestions()
    spans = [(s.quote_start, s.quote_end) for s in found]
    for past in ("Those meetings never took place", "the two leaders met in Alaska in August"):
        start = body.index(past)
        assert not any(a <= start < b for a, b in spans), past
