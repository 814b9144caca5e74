from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, str]:
    """The service's name and phase for the GOV.UK layout."""
    return {"service_name": settings.SERVICE_NAME, "service_phase": settings.SERVICE_PHASE}
