"""Pages that read the agreement."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..models import Partnership
from .base import navigation


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    partnerships = Partnership.objects.filter(memberships__user=request.user).distinct().order_by("name")
    return render(request, "partnerships/list.html", {
        "page_title": "Partnerships", "partnerships": partnerships,
        "navigation": navigation(request, None, "partnerships:list")})
