"""HTTP routes for completion callbacks: each delivery's attempts, and the account's signing secret."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from fmu_gateway_api.callbacks import service
from fmu_gateway_api.callbacks.schemas import CallbackDeliveryList, CallbackSecret
from fmu_gateway_api.deps import CurrentAccount, SessionDep
from fmu_gateway_api.simulations import service as simulations
from fmu_gateway_api.sweeps import service as sweeps

router = APIRouter()


@router.get("/v1/simulations/{simulation_id}/callbacks", operation_id="listSimulationCallbacks",
            tags=["simulations"])
def list_simulation_callbacks(simulation_id: Annotated[str, Path(pattern=r"^sim_[0-9a-f]{32}$")],
                              session: SessionDep, caller: CurrentAccount) -> CallbackDeliveryList:
    sim = simulations.get(session, caller, simulation_id)
    return CallbackDeliveryList(items=service.deliveries(session, sim.id))


@router.get("/v1/sweeps/{sweep_id}/callbacks", operation_id="listSweepCallbacks", tags=["sweeps"])
def list_sweep_callbacks(sweep_id: Annotated[str, Path(pattern=r"^swp_[0-9a-f]{32}$")], session: SessionDep,
                         caller: CurrentAccount) -> CallbackDeliveryList:
    sweep = sweeps.get(session, caller, sweep_id)
    return CallbackDeliveryList(items=service.deliveries(session, sweep.id))


@router.get("/v1/account/callback-secret", operation_id="getCallbackSecret", tags=["billing"])
def get_callback_secret(session: SessionDep, caller: CurrentAccount) -> CallbackSecret:
    """The secret that signs this account's callbacks (made on first use)."""
    return CallbackSecret(secret=service.secret_of(session, caller.account_id))
