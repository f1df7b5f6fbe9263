"""The page routers, one module per page or family of pages; ``PAGE_ROUTERS`` lists them."""

from api.pages.routes import (
    account,
    checkin,
    desk,
    desk_certificates,
    desk_queue,
    desk_roster,
    desk_shifts,
    desk_supervision,
    home,
    me,
    me_certificates,
    me_privacy,
    me_records,
    me_shifts,
    recognition,
    verify,
)

#: Every page router the service serves (a new module is served once it is listed here).
PAGE_ROUTERS = (
    home.router,
    account.router,
    me.router,
    me_shifts.router,
    me_records.router,
    me_certificates.router,
    me_privacy.router,
    desk.router,
    desk_shifts.router,
    desk_roster.router,
    desk_queue.router,
    desk_supervision.router,
    desk_certificates.router,
    checkin.router,
    recognition.router,
    verify.router,
    verify.qr_router,
)
