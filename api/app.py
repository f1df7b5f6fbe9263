"""The FastAPI application factory: wiring, middleware and lifespan, nothing at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api.certificate_service import CertificateService
from api.deps import Services
from api.enumerations import install_enumerations
from api.i18n import LanguageMiddleware
from api.idempotency import IdempotencyMiddleware, idempotency_store_for
from api.issuer import IssuerKeyring, did_web
from api.limits import BodySizeLimit, PostgresLoginThrottle, login_throttle_for
from api.log_privacy import hide_query_values
from api.memory_trim import start_memory_trimmer
from api.metrics import install_metrics
from api.openapi import install_problem_openapi
from api.pages import install_pages
from api.pages.too_large import too_large_page
from api.personal_data import id_secret, ledger_for
from api.places import Places
from api.principals import PrincipalCache
from api.private_files import private_data_dir
from api.problems import install_problem_handlers
from api.registration_limits import registration_throttle_for
from api.routes import (
    accounts,
    activities,
    activity_directory,
    audit,
    auth,
    certificate_request_queue,
    certificate_requests,
    certificates,
    erasure,
    health,
    issuer,
    leaderboards,
    log,
    me,
    me_export,
    organisation_admin,
    organisation_tree,
    organizations,
    projections,
    queues,
    rankings,
    recognition_lists,
    reports,
    series,
    service_records,
    shift_board,
    shifts,
    statistics,
    status_lists,
    supervision,
    volunteer_search,
    volunteers,
)
from api.security import TokenService, load_or_create_secret
from api.settings import Settings
from api.status_lists import StatusListService
from api.tags import TAGS
from api.transparency import open_transparency_log, start_checkpoint_timer
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for

#: Every router the service serves, one per resource, in the order of the OpenAPI document.
#: A new module in api/routes is served once it is listed here (a test checks none is left out).
ROUTERS = (
    accounts.router,
    activities.router,
    activity_directory.router,
    audit.router,
    auth.router,
    certificate_requests.router,
    certificate_request_queue.router,
    certificates.router,
    health.router,
    issuer.router,
    leaderboards.router,
    log.router,
    me.router,
    me_export.router,
    organisation_admin.router,
    organizations.router,
    organisation_tree.router,
    projections.router,
    queues.router,
    rankings.router,
    recognition_lists.router,
    reports.router,
    series.router,
    service_records.router,
    shift_board.router,
    shifts.router,
    statistics.router,
    status_lists.router,
    supervision.router,
    volunteer_search.router,
    volunteers.router,
    erasure.router,
)


def build_services(settings: Settings, clock: Callable[[], datetime] | None = None) -> Services:
    store = settings.store_url()
    policy = settings.policy()
    ledger = ledger_for(settings, policy=policy, clock=clock)
    views = view_store_for(store)
    return Services(
        settings=settings,
        ledger=ledger,
        views=views,
        runner=ProjectionRunner(ledger, views, all_projections()),
        tokens=TokenService(
            load_or_create_secret(settings.data_dir / "token-secret.key"), settings.token_ttl
        ),
        throttle=login_throttle_for(
            store,
            max_failures=settings.login_failures_per_account,
            max_address_failures=settings.login_failures_per_address,
            account_secret=id_secret(settings),
        ),
        registrations=registration_throttle_for(
            store, per_address=settings.registrations_per_address, clock=clock
        ),
        principals=PrincipalCache(ledger),
        places=Places(ledger),
        reads_on_loop=urlsplit(store).scheme not in ("postgresql", "postgres"),
    )


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    """The service for these settings; the store is opened when the app starts.

    ``clock`` is for tests that need to stand at a shift's start; it defaults to UTC now.
    """
    settings = settings or Settings()
    private_data_dir(settings.data_dir)
    hide_query_values()
    idempotency = idempotency_store_for(settings.store_url(), settings.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings, clock)
        app.state.services = services
        log = open_transparency_log(settings, services.ledger, services.views)
        app.state.transparency_log = log
        keyring = IssuerKeyring(
            settings.data_dir / "issuer-keys", did_web(settings.public_url), settings.issuer_key
        )
        app.state.status_lists = StatusListService(
            services.views,
            keyring,
            settings.public_url,
            lambda: services.runner.wait_for(
                services.ledger.recorder.max_notification_id() or 0,
                timeout=settings.read_wait_seconds,
            ),
        )
        app.state.certificates = CertificateService(
            services.ledger, log, keyring, settings.public_url, app.state.status_lists
        )
        trimmer = start_memory_trimmer()
        timer = None
        if settings.follow_projections:
            services.runner.follow()
            timer = start_checkpoint_timer(log, settings.log_checkpoint_seconds)
        try:
            yield
        finally:
            if trimmer is not None:
                trimmer.stop()
            if timer is not None:
                timer.stop()
            services.runner.stop()
            services.views.close()
            services.ledger.close()
            if isinstance(services.throttle, PostgresLoginThrottle):
                services.throttle.close()
            services.registrations.close()
            idempotency.close()

    # Swagger UI and ReDoc are served from the fastapi-offline package (/static-offline-docs),
    # not a CDN: /docs and /redoc work with no internet. No validator badge: it is off-host.
    app = FastAPIOffline(
        title="Volunteer ledger",
        version="0.1.0",
        summary="An event-sourced ledger of volunteer service hours.",
        openapi_tags=TAGS,
        lifespan=lifespan,
        swagger_ui_parameters={"validatorUrl": None},
    )
    for router in ROUTERS:
        app.include_router(router)
    install_pages(app)
    if settings.metrics:
        install_metrics(app)  # first middleware: the innermost, next to the routes
    app.state.idempotency = idempotency
    app.add_middleware(IdempotencyMiddleware, store=idempotency)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, page=too_large_page)
    install_problem_handlers(app)
    app.add_middleware(LanguageMiddleware)  # outermost: every problem is in the asked language
    install_problem_openapi(app)
    install_enumerations(app, settings.policy())
    return app
