"""The page routers, one module per page or family of pages; ``PAGE_ROUTERS`` lists them."""

from api.pages.routes import (
    account,
    checkin,
    desk,
    desk_queue,
    desk_roster,
    desk_shifts,
    desk_supervision,
    home,
)

#: Every page router the service serves (a new module is served once it is listed here).
PAGE_ROUTERS = (
    home.router,
    account.router,
    desk.router,
    desk_shifts.router,
    desk_roster.router,
    desk_queue.router,
    desk_supervision.router,
    checkin.router,
)
