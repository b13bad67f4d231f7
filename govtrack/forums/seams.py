"""Plug the forums area into the agreements area: the decision gate and the decision ids that the
agreement API shows. Called once when the forums blueprint is imported by create_app()."""

from __future__ import annotations


def install() -> None:
    from govtrack.agreements import api as agreements_api
    from govtrack.agreements import rules as agreement_rules
    from govtrack.forums import queries, services

    agreement_rules.register_authoriser(services.authorise)
    if queries.decision_ids_for not in agreements_api.decision_ids_for:
        agreements_api.decision_ids_for.append(queries.decision_ids_for)
