"""Writes for partners. Each records its audit event in the caller's transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask_babel import lazy_gettext as _l

from govtrack.audit.services import record
from govtrack.core.actor import Actor
from govtrack.core.text import BadText, normalise_name
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.partners.models import Partner, PartnerCategory, PartnerContact

EDITABLE = ("name", "category", "legal_name", "registration_no", "region", "notes", "active")


@dataclass
class ContactData:
    name: str
    position: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class PartnerData:
    name: str
    category: str
    legal_name: str | None = None
    registration_no: str | None = None
    region: str | None = None
    notes: str | None = None
    active: bool = True
    contacts: list[ContactData] | None = field(default=None)


def snapshot(partner: Partner) -> dict:
    return {name: getattr(partner, name) for name in EDITABLE}


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


# The names people read and tell partners apart by: one rule (core.text) for every door.
NAME_FIELDS = ("name", "legal_name")


def _validate(values: dict) -> None:
    """Check the values, putting the shown names in their stored form (NFC, trimmed)."""
    errors: dict[str, list[str]] = {}
    for key in NAME_FIELDS:
        if key not in values or (key != "name" and not (values[key] or "").strip()):
            continue
        try:
            values[key] = normalise_name(values[key])
        except BadText as bad:
            errors[key] = [str(bad.reason)]
    if "category" in values and values["category"] not in {c.value for c in PartnerCategory}:
        errors["category"] = [str(_l("Not a known category."))]
    if errors:
        raise ValidationFailed(str(_l("Some values are not valid.")), fields=errors)


def _set_contacts(partner: Partner, contacts: list[ContactData]) -> None:
    for existing in list(partner.contacts):
        partner.contacts.remove(existing)
    for c in contacts:
        try:
            name = normalise_name(c.name)
        except BadText as bad:
            reason = _l("A contact needs a name.") if not (c.name or "").strip() else bad.reason
            raise ValidationFailed(str(_l("Some values are not valid.")), fields={"contacts": [str(reason)]}) from None
        partner.contacts.append(
            PartnerContact(name=name, position=_clean(c.position), email=_clean(c.email), phone=_clean(c.phone))
        )


def create_partner(*, actor: Actor, data: PartnerData) -> Partner:
    """Create a partner."""
    values = {k: v for k, v in asdict(data).items() if k != "contacts"}
    _validate(values)
    partner = Partner(
        name=values["name"],
        category=values["category"],
        legal_name=_clean(values["legal_name"]),
        registration_no=_clean(values["registration_no"]),
        region=_clean(values["region"]),
        notes=_clean(values["notes"]),
        active=bool(values["active"]),
    )
    partner.contacts = []
    if data.contacts:
        _set_contacts(partner, data.contacts)
    db.session.add(partner)
    db.session.flush()
    record("partner.create", actor=actor, object_type="partner", object_id=partner.id, after=snapshot(partner))
    return partner


def update_partner(*, actor: Actor, partner: Partner, changes: dict, contacts: list[ContactData] | None = None) -> Partner:
    """Change some fields of a partner (and optionally replace its contacts)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed("Unknown fields.", fields={k: ["Unknown field."] for k in unknown})
    changes = dict(changes)
    _validate(changes)  # puts name and legal_name in their stored form
    before = snapshot(partner)
    for key, value in changes.items():
        if key == "active":
            value = bool(value)
        elif key not in ("name", "category"):
            value = _clean(value)
        setattr(partner, key, value)
    if contacts is not None:
        _set_contacts(partner, contacts)
    record(
        "partner.update", actor=actor, object_type="partner", object_id=partner.id,
        before=before, after=snapshot(partner),
    )
    return partner


def set_partner_active(*, actor: Actor, partner: Partner, active: bool) -> Partner:
    """Deactivate (or reactivate) a partner. Partners are never hard-deleted."""
    return update_partner(actor=actor, partner=partner, changes={"active": active})
