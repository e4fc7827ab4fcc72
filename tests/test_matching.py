"""Matching alone (no Flask, no database): scores, reasons, hard rules, the global optimum."""

from __future__ import annotations

import random
from datetime import date

import numpy as np

from upward.matching import Candidate, Rules, assign, explain, suggest
from upward.vocabulary import SLOTS

WINTER = date(2026, 12, 1)


def mentor(id: int, name: str, **kw) -> Candidate:
    return Candidate(id, name, f"{name.split()[0].lower()}@example.com", **kw)


def executive(id: int, name: str, **kw) -> Candidate:
    return Candidate(id, name, f"{name.split()[0].lower()}@example.com", **kw)


def pairs_of(result) -> set[tuple[int, int]]:
    return {(s.executive_id, s.mentor_id) for s in result.suggestions}


def test_the_solver_beats_greedy_first_come():
    # Greedy: executive 0 takes mentor 0 (90), executive 1 is left mentor 1 (10): 100 in all.
    scores = np.array([[90.0, 80.0], [85.0, 10.0]])
    allowed = np.ones_like(scores, dtype=bool)
    picked = assign(scores, allowed, [1, 1])
    assert sorted(picked) == [(0, 1), (1, 0)]
    assert sum(scores[r, c] for r, c in picked) == 165


def test_people_in_a_cohort_get_the_optimum_not_first_come():
    # Ada fits both mentors; Ben fits only Tomás. First come, Ada would take Tomás.
    ada = executive(1, "Ada Ng", skills=["generative AI", "social media for B2C"])
    ben = executive(2, "Ben Ode", skills=["social media for B2C"])
    tomas = mentor(10, "Tomás Ruiz", skills=["social media for B2C", "generative AI"])
    una = mentor(11, "Una Ray", skills=["generative AI"])
    result = suggest([ada, ben], [tomas, una], on=WINTER)
    assert pairs_of(result) == {(1, 11), (2, 10)}
    assert result.executives == ()


def test_matching_more_people_beats_a_higher_score():
    scores = np.array([[99.0, 1.0], [98.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    assert sorted(assign(scores, allowed, [1, 1])) == [(0, 1), (1, 0)]


def test_a_mentor_takes_up_to_their_capacity():
    execs = [executive(i, f"Exec {i}", skills=["data"]) for i in range(1, 4)]
    tomas = mentor(10, "Tomás Ruiz", skills=["data"], capacity=2)
    result = suggest(execs, [tomas], on=WINTER)
    assert len(result.suggestions) == 2
    assert {s.mentor_id for s in result.suggestions} == {10}
    assert result.places == 2
    [left] = result.executives
    assert "More executives (3) than mentor places (2)" in left.reason


def test_forbidden_cells_are_never_chosen_even_when_they_score_best():
    scores = np.array([[100.0, 1.0]])
    allowed = np.array([[False, True]])
    assert assign(scores, allowed, [1, 1]) == [(0, 1)]
    assert assign(scores, np.array([[False, False]]), [1, 1]) == []


def test_reasons_say_what_fits_in_plain_words():
    diane = executive(
        1,
        "Diane Okafor",
        skills=["social media for B2C"],
        level_band="executive",
        time_zone="Europe/London",
        availability=["tue-am"],
    )
    tomas = mentor(
        10,
        "Tomás Ruiz",
        skills=["social media for B2C"],
        level_band="early-career",
        time_zone="Europe/London",
        availability=["tue-am", "thu-pm"],
    )
    [found] = suggest([diane], [tomas], on=WINTER).suggestions
    assert found.reasons[0] == "Diane wants social media for B2C; Tomás coaches it."
    assert "Both are free 3 hours a week: Tuesday morning." in found.reasons
    assert found.score == 100


def test_british_and_american_spellings_meet():
    ada = executive(1, "Ada Ng", skills=["Data visualisation"])
    tomas = mentor(10, "Tomás Ruiz", skills=["data visualization dashboards"])
    una = mentor(11, "Una Ray", skills=["hybrid working"])
    result = suggest([ada], [tomas, una], on=WINTER)
    assert pairs_of(result) == {(1, 10)}
    assert "Tomás coaches it" in result.suggestions[0].reasons[0]


def test_what_is_not_covered_is_said():
    ada = executive(1, "Ada Ng", skills=["TikTok", "podcasting"])
    tomas = mentor(10, "Tomás Ruiz", skills=["TikTok"])
    [found] = suggest([ada], [tomas], on=WINTER).suggestions
    assert "Not covered: podcasting." in found.reasons


def test_themes_count_like_skills():
    ada = executive(1, "Ada Ng", themes=["Workplace culture"])
    tomas = mentor(10, "Tomás Ruiz", themes=["New technology"])
    una = mentor(11, "Una Ray", themes=["Workplace culture"])
    result = suggest([ada], [tomas, una], on=WINTER)
    assert pairs_of(result) == {(1, 11)}


def test_slots_are_read_in_each_persons_time_zone():
    # 9-12 in New York is 14-17 in London (December): a London afternoon, not a morning.
    ny = mentor(10, "Nia York", availability=["tue-am"], time_zone="America/New_York")
    morning = executive(1, "Leo Morning", availability=["tue-am"], time_zone="Europe/London")
    afternoon = executive(2, "Lia Afternoon", availability=["tue-pm"], time_zone="Europe/London")
    [m] = suggest([morning], [ny], on=WINTER).suggestions
    [a] = suggest([afternoon], [ny], on=WINTER).suggestions
    assert "Nia and Leo have no free time in common." in m.reasons
    assert "Both are free 3 hours a week: Tuesday afternoon (Lia's time)." in a.reasons
    assert "They work 5 hours apart (America/New_York and Europe/London)" in a.reasons[-1]
    assert a.score > m.score


def test_a_slot_that_crosses_midnight_in_utc_still_overlaps():
    tokyo = mentor(10, "Kei Tokyo", availability=["mon-am"], time_zone="Asia/Tokyo")
    sydney = executive(1, "Sam Sydney", availability=["mon-am"], time_zone="Australia/Sydney")
    [found] = suggest([sydney], [tokyo], on=WINTER).suggestions
    assert any(r.startswith("Both are free 1 hour a week") for r in found.reasons)


def test_a_mentor_as_senior_as_the_executive_is_flagged():
    ada = executive(1, "Ada Ng", level_band="manager")
    tomas = mentor(10, "Tomás Ruiz", level_band="director")
    [found] = suggest([ada], [tomas], on=WINTER).suggestions
    assert any("not reverse mentoring" in r for r in found.reasons)
    una = mentor(11, "Una Ray", level_band="early-career")
    assert pairs_of(suggest([ada], [tomas, una], on=WINTER)) == {(1, 11)}


def test_never_the_executives_own_line_manager_either_way():
    boss = mentor(10, "Bo Boss", skills=["AI"])
    ada = executive(1, "Ada Ng", skills=["AI"], manager_email="BO@example.com ")
    result = suggest([ada], [boss], on=WINTER)
    assert result.suggestions == ()
    [left] = result.executives
    assert left.reason == "No mentor is allowed for Ada by the rules: 1 is their line manager."
    managed = mentor(11, "Mo Managed", manager_email="ada@example.com")
    assert suggest([ada], [managed], on=WINTER).suggestions == ()


def test_same_department_only_when_the_cohort_says():
    ada = executive(1, "Ada Ng", department="Finance")
    tomas = mentor(10, "Tomás Ruiz", department=" finance")
    kept_apart = suggest([ada], [tomas], Rules(avoid_same_department=True), on=WINTER)
    assert kept_apart.suggestions == ()
    assert "(this cohort keeps departments apart)" in kept_apart.executives[0].reason
    assert (
        "the rules allow no executive: 1 is in the same department" in kept_apart.mentors[0].reason
    )
    allowed = suggest([ada], [tomas], Rules(avoid_same_department=False), on=WINTER)
    assert pairs_of(allowed) == {(1, 10)}


def test_a_declined_match_is_not_suggested_again():
    ada = executive(1, "Ada Ng", skills=["AI"])
    tomas = mentor(10, "Tomás Ruiz", skills=["AI"])
    una = mentor(11, "Una Ray", skills=["cooking"])
    result = suggest([ada], [tomas, una], Rules(declined={(10, 1)}), on=WINTER)
    assert pairs_of(result) == {(1, 11)}


def test_unmatched_when_others_need_the_only_allowed_mentor():
    ada = executive(1, "Ada Ng", department="Sales", skills=["AI"])
    ben = executive(2, "Ben Ode", department="Sales")
    tomas = mentor(10, "Tomás Ruiz", department="IT", skills=["AI"])
    una = mentor(11, "Una Ray", department="Sales")
    result = suggest([ada, ben], [tomas, una], on=WINTER)
    assert pairs_of(result) == {(1, 10)}
    [left] = result.executives
    assert left.person_id == 2
    assert left.reason == (
        "Every mentor allowed for Ben (Tomás) is taken by another executive; the rules rule "
        "out the others: 1 is in the same department."
    )


def test_unmatched_when_the_allowed_mentors_are_full():
    ben = executive(2, "Ben Ode", department="Sales")
    una = mentor(11, "Una Ray", department="IT", capacity=0)
    [left] = suggest([ben], [una], on=WINTER).executives
    assert left.reason == "Every mentor allowed for Ben (Una) is already full."


def test_no_mentors_at_all():
    result = suggest([executive(1, "Ada Ng")], [], on=WINTER)
    assert result.executives[0].reason == "The cohort has no mentors yet."


def test_mentors_with_room_are_listed():
    tomas = mentor(10, "Tomás Ruiz", capacity=2)
    result = suggest([executive(1, "Ada Ng")], [tomas], on=WINTER)
    assert result.mentors[0].reason.startswith("Tomás has room for 1 more executive")


def test_a_cohort_of_300_by_300_is_solved_whole():
    rng = random.Random(10)
    skills = [f"skill {n}" for n in range(40)]
    slots = list(SLOTS)
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Berlin"]
    depts = ["Sales", "IT", "Finance", "HR", "Legal", "Ops"]

    def someone(i: int, role: str) -> Candidate:
        return Candidate(
            i,
            f"{role} {i}",
            f"{role}{i}@example.com",
            skills=rng.sample(skills, 3),
            department=rng.choice(depts),
            time_zone=rng.choice(zones),
            availability=rng.sample(slots, 3),
            level_band="executive" if role == "exec" else "early-career",
        )

    execs = [someone(i, "exec") for i in range(300)]
    mentors = [someone(1000 + i, "mentor") for i in range(300)]
    result = suggest(execs, mentors, on=WINTER)
    assert len(result.suggestions) == 300
    assert len({s.mentor_id for s in result.suggestions}) == 300


def test_each_executive_gets_the_other_allowed_mentors_best_first():
    ada = executive(1, "Ada Ng", skills=["AI"], department="IT")
    tomas = mentor(10, "Tomás Ruiz", skills=["AI"])
    una = mentor(11, "Una Ray", skills=["cooking"])
    same_dept = mentor(12, "Ivo IT", department="IT", skills=["AI"])
    full = mentor(13, "Flo Full", skills=["AI"], capacity=0)
    result = suggest([ada], [una, tomas, same_dept, full], on=WINTER, max_options=5)
    assert [m for m, _ in result.options[1]] == [10, 11]


def test_explain_scores_one_pairing_or_says_why_not():
    ada = executive(1, "Ada Ng", skills=["AI"], department="IT")
    tomas = mentor(10, "Tomás Ruiz", skills=["AI"])
    found = explain(tomas, ada, Rules(), WINTER)
    assert not isinstance(found, str) and found.reasons[0] == "Ada wants AI; Tomás coaches it."
    ivo = mentor(12, "Ivo IT", department="it")
    assert explain(ivo, ada, Rules(), WINTER) == "department"
