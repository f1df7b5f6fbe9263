"""Pages for people: server-rendered HTML in Chinese (English selectable) beside the API.

They call the same application service, read models and route functions as the API, so a
page never holds a second copy of a rule, a mask or an access check. The package:

- ``rendering``: one Jinja2 environment per served language (autoescaped, gettext from the
  shared Babel catalogue), and ``render``, which answers a template with the security headers
  (a Content-Security-Policy that allows no inline script or style).
- ``sessions``: the session cookie (HttpOnly, SameSite=Lax; it holds the same signed token as
  the API's bearer header, so log-out and a disabled account end it alike) and the viewer.
- ``forms``: reading a posted form with its CSRF token checked, and turning the API's errors
  (problem details, pydantic's field errors) into words next to the field they concern.
- ``routes``: one router per page or family of pages; ``PAGE_ROUTERS`` lists them.
- ``templates`` and ``static``: the templates, the stylesheet and the few scripts, all served
  from the package (nothing is fetched from another host).
"""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

#: Where the pages' stylesheet and scripts are served from.
ASSETS_PATH = "/assets"


def install_pages(app: FastAPI) -> None:
    """Serve every page router and the assets they use."""
    from api.pages.routes import PAGE_ROUTERS

    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount(ASSETS_PATH, StaticFiles(directory=Path(__file__).parent / "static"), "assets")
