from typing import Any

from django.apps import AppConfig


def _warm_notification_form(sender: Any, **kwargs: Any) -> None:
    # Imported when an agreement changes, not at start-up: the PDF renderer (WeasyPrint) takes most of a
    # second to import, which every command and every spawned child would pay.
    from .views.documents import warm_notification_form

    warm_notification_form(sender, **kwargs)


class PartnershipsConfig(AppConfig):
    name = "concordat.partnerships"
    label = "partnerships"
    verbose_name = "Partnership agreements"

    def ready(self) -> None:
        from concordat.core.navigation import add_tab

        from . import audit, permissions  # noqa: F401  (registers audited models and permission rules)
        from .signals import agreement_changed

        agreement_changed.connect(_warm_notification_form, dispatch_uid="warm-notification-form")

        from . import jobs

        jobs.register()

        view = "partnerships.view_partnership"
        for order, (name, text, permission) in enumerate(
            [
                ("overview", "Overview", view),
                ("contributions", "Contributions", view),
                ("aims", "Aims and milestones", view),
                ("governance", "Governance", view),
                ("approvals", "Approvals", view),
                ("consultation", "Consultation", view),
                ("board", "Board", view),
                ("appraisals", "Options appraisals", view),
                ("notification-form", "Notification form", view),
                ("documents", "Documents", view),
                ("members", "Members", "partnerships.view_members"),
                ("audit", "Audit trail", "partnerships.view_audit_trail"),
            ]
        ):
            # The pool, commissioning and treatment record add theirs between 20 and 80; the members and
            # audit trail tabs come last.
            add_tab(
                f"partnerships:{name}",
                text,
                permission=permission,
                order=order * 10 if order < 10 else 90 + order,
            )
        # The risk register sits after the options appraisals, before the notification form.
        add_tab(
            "partnerships:risks",
            "Risks",
            permission=view,
            order=75,
            sections=("partnerships:add-risk", "partnerships:edit-risk", "partnerships:remove-risk"),
        )
