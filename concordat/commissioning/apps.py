from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "concordat.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"

    def ready(self) -> None:
        from concordat.core.navigation import add_tab
        from concordat.pool import contracts

        from . import audit, commitments, permissions  # noqa: F401  (registers audited models and permission rules)

        contracts.register(commitments.references)

        # After governance, before the options appraisals (partnerships uses multiples of ten); see partnerships/apps.py.
        add_tab("commissioning:services", "Services", permission="commissioning.view_commissioning", order=45)
        add_tab(
            "commissioning:procurements",
            "Procurements",
            permission="commissioning.view_commissioning",
            order=46,
            sections=(
                "commissioning:procurement",
                "commissioning:add-procurement",
                "commissioning:record-stage",
                "commissioning:add-representation",
                "commissioning:answer-representation",
                "commissioning:add-contract",
                "commissioning:notice",
            ),
        )
        add_tab(
            "commissioning:contracts",
            "Contracts",
            permission="commissioning.view_contracts",
            order=47,
            sections=(
                "commissioning:contract",
                "commissioning:add-variation",
                "commissioning:add-kpi",
                "commissioning:add-review",
            ),
        )
