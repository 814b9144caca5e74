"""Where each app's API router is mounted: the one list of them."""

from concordat.commissioning.api import router as commissioning
from concordat.core.api import api
from concordat.partnerships.api import router as partnerships
from concordat.performance.workforce_api import router as workforce
from concordat.pool.api import router as pool
from concordat.treatment.api import router as treatment
from concordat.treatment.provider_api import router as treatment_providers

api.add_router("/", partnerships)
api.add_router("/", pool)
api.add_router("/", treatment)
api.add_router("/", treatment_providers)
api.add_router("/", commissioning)
api.add_router("/", workforce)
