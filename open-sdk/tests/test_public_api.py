"""The public surface is explicit and small."""

from __future__ import annotations

import fmu_gateway_sdk


def test_all_is_sorted_and_unique() -> None:
    assert fmu_gateway_sdk.__all__ == sorted(fmu_gateway_sdk.__all__)
    assert len(set(fmu_gateway_sdk.__all__)) == len(fmu_gateway_sdk.__all__)


def test_all_names_exist_and_public_names_are_in_all() -> None:
    for name in fmu_gateway_sdk.__all__:
        assert hasattr(fmu_gateway_sdk, name), name
    public = {n for n in vars(fmu_gateway_sdk) if not n.startswith("_")} - {"annotations", "cli"}
    assert public <= set(fmu_gateway_sdk.__all__)


def test_exceptions_share_one_base() -> None:
    errors = [getattr(fmu_gateway_sdk, n) for n in fmu_gateway_sdk.__all__ if n.endswith(("Error", "Required",
                                                                                            "Failed"))]
    assert len(errors) == 12
    assert all(issubclass(e, fmu_gateway_sdk.FmuGatewayError) for e in errors)


def test_version_matches_the_distribution() -> None:
    from importlib.metadata import version

    assert fmu_gateway_sdk.__version__ == version("fmu-gateway-sdk")
