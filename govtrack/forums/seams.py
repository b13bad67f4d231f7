"""Plug the forums area into the agreements area: the decision gate and the decision ids that the
agreement API shows. Called once when the forums blueprint is imported by create_app()."""

from __future__ import annotations


def install() -> None:
    from govtrack.agreements import rules as agreement_rules
    from govtrack.forums import services

    agreement_rules.register_authoriser(services.authorise)
