"""What a running service holds: settings, database, blob store, library, pricing, token service,
Stripe, rate limiter and the job dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from fmu_gateway_api.auth.edge import Edge
from fmu_gateway_api.auth.ratelimit import RateLimiter, make_rate_limiter
from fmu_gateway_api.auth.tokens import TokenService, derived_secrets, load_signing_keys
from fmu_gateway_api.billing.pricing import Pricing
from fmu_gateway_api.db import make_engine, make_session_factory
from fmu_gateway_api.fmus.models import Models
from fmu_gateway_api.kit.blobs import BlobStore, make_blob_store
from fmu_gateway_api.kit.bus import Bus, make_bus
from fmu_gateway_api.kit.waiters import Waiters
from fmu_gateway_api.settings import Settings

if TYPE_CHECKING:
    from fmu_gateway_api.billing.outbox import OutboxDispatcher
    from fmu_gateway_api.billing.stripe_gateway import StripeGateway
    from fmu_gateway_api.library.service import Library
    from fmu_gateway_api.runners.local import SandboxHost
    from fmu_gateway_api.simulations.dispatcher import Dispatcher


# all: the embedded default (API and worker in one process); api: the edge only, no sandboxes; worker:
# claims jobs and runs them in sandboxes, serving only health, metrics and the internal callback.
Role = Literal["all", "api", "worker"]


@dataclass
class Context:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    library: Library
    pricing: Pricing
    tokens: TokenService
    token_secrets: tuple[bytes, ...]  # payment-token MACs: [0] mints, any verifies (auth.tokens)
    rate_limiter: RateLimiter
    edge: Edge
    models: Models
    bus: Bus
    waiters: Waiters
    role: Role = "all"
    stripe: StripeGateway | None = None
    dispatcher: Dispatcher | None = None
    sandbox: SandboxHost | None = None
    outbox: OutboxDispatcher | None = None

    @classmethod
    def create(cls, settings: Settings, role: Role = "all") -> Context:
        from fmu_gateway_api.library.service import Library

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # The service's alone: scratch and the FMU cache live elsewhere, and no sandbox sees any of this.
        settings.data_dir.chmod(0o700)
        engine = make_engine(settings)
        keys = load_signing_keys(settings.jwt_keys, settings.data_dir)
        stripe = None
        if settings.stripe_enabled:
            from fmu_gateway_api.billing.stripe_gateway import StripeGateway

            stripe = StripeGateway(settings)
        tokens = TokenService(keys, issuer=settings.jwt_issuer, ttl_s=settings.jwt_ttl_s)
        bus = make_bus(settings, role)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            blobs=make_blob_store(settings, settings.data_dir / "tmp"),
            library=Library.load(settings.library_dir),
            pricing=Pricing.load(settings.pricing_file),
            tokens=tokens,
            token_secrets=derived_secrets(keys, "payment tokens"),
            rate_limiter=make_rate_limiter(settings.redis_url),
            edge=Edge(tokens, settings.key_cache_ttl_s),
            models=Models(settings.description_cache_bytes),
            bus=bus,
            waiters=Waiters(bus),
            role=role,
            stripe=stripe,
        )
