"""Where each app's API router is mounted: the one list of them."""

from concordat.core.api import api
from concordat.partnerships.api import router as partnerships
from concordat.pool.api import router as pool

api.add_router("/", partnerships)
api.add_router("/", pool)
