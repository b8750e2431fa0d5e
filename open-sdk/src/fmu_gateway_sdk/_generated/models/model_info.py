from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.interface import Interface, check_interface

if TYPE_CHECKING:
    from ..models.default_experiment import DefaultExperiment
    from ..models.model_info_model_identifiers import ModelInfoModelIdentifiers


T = TypeVar("T", bound="ModelInfo")


@_attrs_define
class ModelInfo:
    """
    Attributes:
        fmi_version (str):
        model_name (str):
        instantiation_token (str): FMI 2 guid or FMI 3 instantiationToken.
        description (None | str):
        generation_tool (None | str):
        interfaces (list[Interface]):
        model_identifiers (ModelInfoModelIdentifiers):
        platforms (list[str]):
        has_sources (bool):
        built_from_sources (bool): The Linux binary was compiled by the gateway from the FMU's sources.
        default_experiment (DefaultExperiment | None):
        variable_count (int):
        inputs (list[str]):
        outputs (list[str]):
        parameters (list[str]):
        states (list[str]):
    """

    fmi_version: str
    model_name: str
    instantiation_token: str
    description: None | str
    generation_tool: None | str
    interfaces: list[Interface]
    model_identifiers: ModelInfoModelIdentifiers
    platforms: list[str]
    has_sources: bool
    built_from_sources: bool
    default_experiment: DefaultExperiment | None
    variable_count: int
    inputs: list[str]
    outputs: list[str]
    parameters: list[str]
    states: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.default_experiment import DefaultExperiment  # noqa: PLC0415

        fmi_version = self.fmi_version

        model_name = self.model_name

        instantiation_token = self.instantiation_token

        description: None | str
        description = self.description

        generation_tool: None | str
        generation_tool = self.generation_tool

        interfaces = []
        for interfaces_item_data in self.interfaces:
            interfaces_item: str = interfaces_item_data
            interfaces.append(interfaces_item)

        model_identifiers = self.model_identifiers.to_dict()

        platforms = self.platforms

        has_sources = self.has_sources

        built_from_sources = self.built_from_sources

        default_experiment: dict[str, Any] | None
        if isinstance(self.default_experiment, DefaultExperiment):
            default_experiment = self.default_experiment.to_dict()
        else:
            default_experiment = self.default_experiment

        variable_count = self.variable_count

        inputs = self.inputs

        outputs = self.outputs

        parameters = self.parameters

        states = self.states

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fmi_version": fmi_version,
                "model_name": model_name,
                "instantiation_token": instantiation_token,
                "description": description,
                "generation_tool": generation_tool,
                "interfaces": interfaces,
                "model_identifiers": model_identifiers,
                "platforms": platforms,
                "has_sources": has_sources,
                "built_from_sources": built_from_sources,
                "default_experiment": default_experiment,
                "variable_count": variable_count,
                "inputs": inputs,
                "outputs": outputs,
                "parameters": parameters,
                "states": states,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.default_experiment import DefaultExperiment  # noqa: PLC0415
        from ..models.model_info_model_identifiers import ModelInfoModelIdentifiers  # noqa: PLC0415

        d = dict(src_dict)
        fmi_version = d.pop("fmi_version")

        model_name = d.pop("model_name")

        instantiation_token = d.pop("instantiation_token")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        def _parse_generation_tool(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        generation_tool = _parse_generation_tool(d.pop("generation_tool"))

        interfaces = []
        _interfaces = d.pop("interfaces")
        for interfaces_item_data in _interfaces:
            interfaces_item = check_interface(interfaces_item_data)

            interfaces.append(interfaces_item)

        model_identifiers = ModelInfoModelIdentifiers.from_dict(d.pop("model_identifiers"))

        platforms = cast(list[str], d.pop("platforms"))

        has_sources = d.pop("has_sources")

        built_from_sources = d.pop("built_from_sources")

        def _parse_default_experiment(data: object) -> DefaultExperiment | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                default_experiment_type_0 = DefaultExperiment.from_dict(data)

                return default_experiment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DefaultExperiment | None, data)

        default_experiment = _parse_default_experiment(d.pop("default_experiment"))

        variable_count = d.pop("variable_count")

        inputs = cast(list[str], d.pop("inputs"))

        outputs = cast(list[str], d.pop("outputs"))

        parameters = cast(list[str], d.pop("parameters"))

        states = cast(list[str], d.pop("states"))

        model_info = cls(
            fmi_version=fmi_version,
            model_name=model_name,
            instantiation_token=instantiation_token,
            description=description,
            generation_tool=generation_tool,
            interfaces=interfaces,
            model_identifiers=model_identifiers,
            platforms=platforms,
            has_sources=has_sources,
            built_from_sources=built_from_sources,
            default_experiment=default_experiment,
            variable_count=variable_count,
            inputs=inputs,
            outputs=outputs,
            parameters=parameters,
            states=states,
        )

        model_info.additional_properties = d
        return model_info

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
