from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.simulation_create_interface import SimulationCreateInterface, check_simulation_create_interface
from ..models.simulation_create_solver_type_1 import SimulationCreateSolverType1, check_simulation_create_solver_type_1
from ..models.simulation_create_solver_type_2_type_1 import (
    SimulationCreateSolverType2Type1,
    check_simulation_create_solver_type_2_type_1,
)
from ..models.simulation_create_solver_type_3_type_1 import (
    SimulationCreateSolverType3Type1,
    check_simulation_create_solver_type_3_type_1,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.input_series import InputSeries
    from ..models.kpi_spec import KpiSpec
    from ..models.simulation_create_start_values import SimulationCreateStartValues


T = TypeVar("T", bound="SimulationCreate")


@_attrs_define
class SimulationCreate:
    """
    Attributes:
        fmu_id (str): An uploaded FMU's sha256 or a library id.
        interface (SimulationCreateInterface | Unset): auto: Co-Simulation when the FMU has it, else Model Exchange
            Default: 'auto'.
        start_time (float | None | Unset): Default from the model's default experiment
        stop_time (float | None | Unset): Default from the model's default experiment
        output_interval (float | None | Unset): Default: the default experiment's step size, else (stop - start) / 500.
        solver (None | SimulationCreateSolverType1 | SimulationCreateSolverType2Type1 | SimulationCreateSolverType3Type1
            | Unset): Model Exchange only (default CVode).
        relative_tolerance (float | None | Unset):
        step_size (float | None | Unset): Fixed step of the Euler solver.
        start_values (SimulationCreateStartValues | Unset): Start values by variable name, typed as the model declares
            them. An FMI 3 array variable takes a
            list of all its elements (row-major), or nested lists of its shape.
        inputs (InputSeries | None | Unset):
        outputs (list[str] | None | Unset): Variables to record. Default: the model's outputs, else its states.
        kpis (list[KpiSpec] | Unset):
        timeout_s (float | None | Unset): Wall-clock limit of the run
        wait_s (float | None | Unset): How long to wait for the result before answering 202.
        cache (bool | Unset): false runs the simulation even when an identical result is stored. Default: True.
        inline_result (bool | Unset): false: the answer carries no `result` (fetch it from `result_url` as JSON, CSV,
            Arrow or Parquet),
            which saves rendering a large result as JSON.
             Default: True.
        debug_logging (bool | Unset): Turns the FMU's debug logging on (all its log categories); see getSimulationLog.
            Default: False.
        callback_url (None | str | Unset): Where to POST the final status once the simulation has ended (signed; see the
            README's "Completion
            callbacks"). http or https; in production never a private, loopback or link-local address.
    """

    fmu_id: str
    interface: SimulationCreateInterface | Unset = "auto"
    start_time: float | None | Unset = UNSET
    stop_time: float | None | Unset = UNSET
    output_interval: float | None | Unset = UNSET
    solver: (
        None | SimulationCreateSolverType1 | SimulationCreateSolverType2Type1 | SimulationCreateSolverType3Type1 | Unset
    ) = UNSET
    relative_tolerance: float | None | Unset = UNSET
    step_size: float | None | Unset = UNSET
    start_values: SimulationCreateStartValues | Unset = UNSET
    inputs: InputSeries | None | Unset = UNSET
    outputs: list[str] | None | Unset = UNSET
    kpis: list[KpiSpec] | Unset = UNSET
    timeout_s: float | None | Unset = UNSET
    wait_s: float | None | Unset = UNSET
    cache: bool | Unset = True
    inline_result: bool | Unset = True
    debug_logging: bool | Unset = False
    callback_url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.input_series import InputSeries  # noqa: PLC0415

        fmu_id = self.fmu_id

        interface: str | Unset = UNSET
        if not isinstance(self.interface, Unset):
            interface = self.interface

        start_time: float | None | Unset
        if isinstance(self.start_time, Unset):
            start_time = UNSET
        else:
            start_time = self.start_time

        stop_time: float | None | Unset
        if isinstance(self.stop_time, Unset):
            stop_time = UNSET
        else:
            stop_time = self.stop_time

        output_interval: float | None | Unset
        if isinstance(self.output_interval, Unset):
            output_interval = UNSET
        else:
            output_interval = self.output_interval

        solver: None | str | Unset
        if isinstance(self.solver, Unset):
            solver = UNSET
        elif isinstance(self.solver, str):
            solver = self.solver
        elif isinstance(self.solver, str):
            solver = self.solver
        elif isinstance(self.solver, str):
            solver = self.solver
        else:
            solver = self.solver

        relative_tolerance: float | None | Unset
        if isinstance(self.relative_tolerance, Unset):
            relative_tolerance = UNSET
        else:
            relative_tolerance = self.relative_tolerance

        step_size: float | None | Unset
        if isinstance(self.step_size, Unset):
            step_size = UNSET
        else:
            step_size = self.step_size

        start_values: dict[str, Any] | Unset = UNSET
        if not isinstance(self.start_values, Unset):
            start_values = self.start_values.to_dict()

        inputs: dict[str, Any] | None | Unset
        if isinstance(self.inputs, Unset):
            inputs = UNSET
        elif isinstance(self.inputs, InputSeries):
            inputs = self.inputs.to_dict()
        else:
            inputs = self.inputs

        outputs: list[str] | None | Unset
        if isinstance(self.outputs, Unset):
            outputs = UNSET
        elif isinstance(self.outputs, list):
            outputs = self.outputs

        else:
            outputs = self.outputs

        kpis: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.kpis, Unset):
            kpis = []
            for kpis_item_data in self.kpis:
                kpis_item = kpis_item_data.to_dict()
                kpis.append(kpis_item)

        timeout_s: float | None | Unset
        if isinstance(self.timeout_s, Unset):
            timeout_s = UNSET
        else:
            timeout_s = self.timeout_s

        wait_s: float | None | Unset
        if isinstance(self.wait_s, Unset):
            wait_s = UNSET
        else:
            wait_s = self.wait_s

        cache = self.cache

        inline_result = self.inline_result

        debug_logging = self.debug_logging

        callback_url: None | str | Unset
        if isinstance(self.callback_url, Unset):
            callback_url = UNSET
        else:
            callback_url = self.callback_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "fmu_id": fmu_id,
            }
        )
        if interface is not UNSET:
            field_dict["interface"] = interface
        if start_time is not UNSET:
            field_dict["start_time"] = start_time
        if stop_time is not UNSET:
            field_dict["stop_time"] = stop_time
        if output_interval is not UNSET:
            field_dict["output_interval"] = output_interval
        if solver is not UNSET:
            field_dict["solver"] = solver
        if relative_tolerance is not UNSET:
            field_dict["relative_tolerance"] = relative_tolerance
        if step_size is not UNSET:
            field_dict["step_size"] = step_size
        if start_values is not UNSET:
            field_dict["start_values"] = start_values
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if outputs is not UNSET:
            field_dict["outputs"] = outputs
        if kpis is not UNSET:
            field_dict["kpis"] = kpis
        if timeout_s is not UNSET:
            field_dict["timeout_s"] = timeout_s
        if wait_s is not UNSET:
            field_dict["wait_s"] = wait_s
        if cache is not UNSET:
            field_dict["cache"] = cache
        if inline_result is not UNSET:
            field_dict["inline_result"] = inline_result
        if debug_logging is not UNSET:
            field_dict["debug_logging"] = debug_logging
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.input_series import InputSeries  # noqa: PLC0415
        from ..models.kpi_spec import KpiSpec  # noqa: PLC0415
        from ..models.simulation_create_start_values import SimulationCreateStartValues  # noqa: PLC0415

        d = dict(src_dict)
        fmu_id = d.pop("fmu_id")

        _interface = d.pop("interface", UNSET)
        interface: SimulationCreateInterface | Unset
        if isinstance(_interface, Unset):
            interface = UNSET
        else:
            interface = check_simulation_create_interface(_interface)

        def _parse_start_time(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        start_time = _parse_start_time(d.pop("start_time", UNSET))

        def _parse_stop_time(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        stop_time = _parse_stop_time(d.pop("stop_time", UNSET))

        def _parse_output_interval(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        output_interval = _parse_output_interval(d.pop("output_interval", UNSET))

        def _parse_solver(
            data: object,
        ) -> (
            None
            | SimulationCreateSolverType1
            | SimulationCreateSolverType2Type1
            | SimulationCreateSolverType3Type1
            | Unset
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                solver_type_1 = check_simulation_create_solver_type_1(data)

                return solver_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                solver_type_2_type_1 = check_simulation_create_solver_type_2_type_1(data)

                return solver_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                solver_type_3_type_1 = check_simulation_create_solver_type_3_type_1(data)

                return solver_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | SimulationCreateSolverType1
                | SimulationCreateSolverType2Type1
                | SimulationCreateSolverType3Type1
                | Unset,
                data,
            )

        solver = _parse_solver(d.pop("solver", UNSET))

        def _parse_relative_tolerance(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        relative_tolerance = _parse_relative_tolerance(d.pop("relative_tolerance", UNSET))

        def _parse_step_size(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        step_size = _parse_step_size(d.pop("step_size", UNSET))

        _start_values = d.pop("start_values", UNSET)
        start_values: SimulationCreateStartValues | Unset
        if isinstance(_start_values, Unset):
            start_values = UNSET
        else:
            start_values = SimulationCreateStartValues.from_dict(_start_values)

        def _parse_inputs(data: object) -> InputSeries | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                inputs_type_0 = InputSeries.from_dict(data)

                return inputs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InputSeries | None | Unset, data)

        inputs = _parse_inputs(d.pop("inputs", UNSET))

        def _parse_outputs(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                outputs_type_0 = cast(list[str], data)

                return outputs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        outputs = _parse_outputs(d.pop("outputs", UNSET))

        _kpis = d.pop("kpis", UNSET)
        kpis: list[KpiSpec] | Unset = UNSET
        if _kpis is not UNSET:
            kpis = []
            for kpis_item_data in _kpis:
                kpis_item = KpiSpec.from_dict(kpis_item_data)

                kpis.append(kpis_item)

        def _parse_timeout_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        timeout_s = _parse_timeout_s(d.pop("timeout_s", UNSET))

        def _parse_wait_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        wait_s = _parse_wait_s(d.pop("wait_s", UNSET))

        cache = d.pop("cache", UNSET)

        inline_result = d.pop("inline_result", UNSET)

        debug_logging = d.pop("debug_logging", UNSET)

        def _parse_callback_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        callback_url = _parse_callback_url(d.pop("callback_url", UNSET))

        simulation_create = cls(
            fmu_id=fmu_id,
            interface=interface,
            start_time=start_time,
            stop_time=stop_time,
            output_interval=output_interval,
            solver=solver,
            relative_tolerance=relative_tolerance,
            step_size=step_size,
            start_values=start_values,
            inputs=inputs,
            outputs=outputs,
            kpis=kpis,
            timeout_s=timeout_s,
            wait_s=wait_s,
            cache=cache,
            inline_result=inline_result,
            debug_logging=debug_logging,
            callback_url=callback_url,
        )

        return simulation_create
