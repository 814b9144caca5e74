"""Where each app's API router is mounted: the one list of them."""

from concordat.commissioning.api import router as commissioning
from concordat.core.api import api
from concordat.partnerships.api import router as partnerships

api.add_router("/", partnerships)
api.add_router("/", commissioning)
