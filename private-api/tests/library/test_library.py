"""The model library: our own models, FMI 2 and 3, listed and searchable without a key."""

from __future__ import annotations

from tests.contract_client import ContractClient

MODELS = {"BouncingBall", "VanDerPol", "FirstOrderLag", "MassSpringDamper", "FuelRail", "ScavengePump"}


def test_every_model_in_fmi2_and_fmi3_with_both_interfaces(client: ContractClient) -> None:
    items = client.get("/v1/library").json()["items"]
    ids = {m["id"] for m in items}
    for name in MODELS:
        assert f"lib:{name}" in ids and f"lib:{name}@fmi2" in ids
    for model in items:
        assert set(model["interfaces"]) == {"ModelExchange", "CoSimulation"}
        assert model["description"]
        assert model["fmi_version"] == ("2.0" if model["id"].endswith("@fmi2") else "3.0")


def test_search_matches_all_words(client: ContractClient) -> None:
    found = client.get("/v1/library", params={"query": "bouncing"}).json()["items"]
    assert {m["name"] for m in found} == {"BouncingBall"}
    assert client.get("/v1/library", params={"query": "no such model xyz"}).json()["items"] == []


def test_library_models_have_variables_and_model_info(client: ContractClient, auth: dict[str, str]) -> None:
    variables = client.get("/v1/fmus/lib:BouncingBall/variables", headers=auth).json()["items"]
    by_name = {v["name"]: v for v in variables}
    assert by_name["h"]["causality"] == "output" and by_name["h"]["unit"] == "m"
    assert by_name["e"]["causality"] == "parameter" and by_name["e"]["start"] == 0.7
    info = client.get("/v1/fmus/lib:BouncingBall@fmi2/model", headers=auth).json()
    assert info["fmi_version"] == "2.0" and "linux64" in info["platforms"] and info["has_sources"]
    assert set(info["states"]) == {"h", "v"}
    assert info["default_experiment"]["stop_time"] == 3.0


def test_library_models_cannot_be_deleted(client: ContractClient, auth: dict[str, str]) -> None:
    response = client.delete("/v1/fmus/lib:BouncingBall", headers=auth)
    assert response.status_code == 403
    assert response.json()["type"].endswith("/library-read-only")
