"""Every audit event can be read in words: each action the code records, each kind of object and
each field the demo's events carry has its label (govtrack.core.labels), so the audit page never
falls back to a raw key."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import select

import govtrack
from govtrack.audit.models import AuditEvent
from govtrack.core import labels
from govtrack.demo import load_demo
from govtrack.extensions import db

SOURCE = Path(govtrack.__file__).parent
RECORD = re.compile(r"""record\(\s*["']([a-z_]+\.[a-z_]+)["']""")
OBJECT_TYPE = re.compile(r"""object_type=["']([a-z_]+)["']""")


def _source() -> str:
    return "\n".join(p.read_text() for p in SOURCE.rglob("*.py"))


def test_every_action_the_code_records_has_words():
    actions = set(RECORD.findall(_source()))
    assert len(actions) >= 40
    assert not actions - set(labels.AUDIT_ACTION), "actions without words in labels.AUDIT_ACTION"


def test_every_kind_of_object_the_code_records_has_words():
    kinds = set(OBJECT_TYPE.findall(_source()))
    assert {"agreement", "meeting", "user"} <= kinds
    assert not kinds - set(labels.OBJECT_TYPE), "object types without words in labels.OBJECT_TYPE"


def test_every_field_of_the_demo_s_events_has_words(app_context):
    load_demo()
    db.session.commit()
    keys, actions = set(), set()
    for action, before, after in db.session.execute(select(AuditEvent.action, AuditEvent.before, AuditEvent.after)):
        actions.add(action)
        for data in (before, after):
            keys |= set(json.loads(data)) if data else set()
    assert len(actions) >= 20
    assert not keys - set(labels.AUDIT_FIELD), "fields without words in labels.AUDIT_FIELD"
