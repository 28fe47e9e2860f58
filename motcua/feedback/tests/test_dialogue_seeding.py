"""The demo dialogue (``motcua seed_dialogues``, RULES.md §1.9): held, answered, minutes
published, commitments in every state (some overdue), every step through the services: each
event a step of the workflow table, nothing dated in the future."""

from __future__ import annotations

import itertools
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.core.demo import demo_setup
from motcua.feedback.dialogues.choices import DialogueAction, DialogueStatus
from motcua.feedback.dialogues.models import Commitment, Dialogue, DialogueQuestion
from motcua.feedback.dialogues.selectors import today
from motcua.feedback.dialogues.workflow import transition

pytestmark = pytest.mark.django_db


def test_seed_dialogues_makes_a_held_dialogue_with_commitments_in_every_state() -> None:
    demo_setup(password="x-demo-password-1")
    out = StringIO()

    call_command("seed_dialogues", stdout=out)

    dialogue = Dialogue.objects.unrestricted("test").get()
    assert dialogue.status == "minutes_published" and dialogue.unit.code == "32218"
    assert "dialogues: 1" in out.getvalue()
    questions = list(DialogueQuestion.objects.unrestricted("test").filter(dialogue=dialogue))
    assert {q.timing for q in questions} == {"before", "at_meeting"} and all(q.answer and q.answered_by for q in questions)
    assert any(q.anonymous for q in questions) and all(q.commitments.exists() for q in questions)
    commitments = list(Commitment.objects.unrestricted("test").filter(dialogue=dialogue))
    on = today()
    assert {c.status for c in commitments} == {"open", "done", "dropped"}
    assert any(c.status == "open" and c.due_on < on for c in commitments)  # overdue
    assert any(c.status == "open" and on <= c.due_on <= on + timedelta(days=7) for c in commitments)
    assert all(c.evidence_note for c in commitments if c.status == "done")


def test_the_seeded_event_log_follows_the_workflow_table_and_is_in_the_past() -> None:
    demo_setup(password="x-demo-password-1")
    call_command("seed_dialogues", dialogues=2, stdout=StringIO())

    now = timezone.now()
    for dialogue in Dialogue.objects.unrestricted("test").prefetch_related("events"):
        events = list(dialogue.events.order_by("seq"))
        assert events[0].action == "plan" and events[-1].to_status == dialogue.status
        for before, after in itertools.pairwise(events):
            assert before.at <= after.at <= now
            assert after.from_status == before.to_status
            step = transition(DialogueStatus(before.to_status), DialogueAction(after.action))
            assert step is not None and step.target == after.to_status, after.action
