"""Copy GOV.UK Frontend's built assets into concordat/static/govuk/.

Run by `make assets` after `npm pack govuk-frontend@VERSION`. Concordat is not a GOV.UK service, so the
GDS Transport font (licensed for GOV.UK only) is left out and its @font-face rules removed: text falls
back to Arial, as the Design System asks of services outside GOV.UK. Asset URLs are made relative so
the stylesheet works under any STATIC_URL.
"""

import re
import shutil
import sys
from pathlib import Path

source = Path(sys.argv[1]) / "package" / "dist" / "govuk"
target = Path(__file__).resolve().parent.parent / "concordat" / "static" / "govuk"
shutil.rmtree(target, ignore_errors=True)
(target / "assets").mkdir(parents=True)
shutil.copytree(source / "assets" / "images", target / "assets" / "images")
css = (source / "govuk-frontend.min.css").read_text()
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
css = css.replace("url(/assets/", "url(assets/")
(target / "govuk-frontend.min.css").write_text(css)
js = (source / "govuk-frontend.min.js").read_text()
js = re.sub(r"//# sourceMappingURL=.*", "", js)
(target / "govuk-frontend.min.js").write_text(js)
print(f"GOV.UK Frontend assets written to {target}")
