"""The Accept header: media ranges, qualities and parameters (quoted values may hold commas)."""

from __future__ import annotations

import pytest

from fmu_gateway_api.errors import NotAcceptable
from fmu_gateway_api.kit.negotiation import media_ranges, negotiate, parameters, qualities

ARROW = "application/vnd.apache.arrow.stream"
KINDS = {"application/json": "json", ARROW: "arrow", "*/*": "json"}


def test_a_quoted_parameter_keeps_its_commas() -> None:
    accept = f'{ARROW}; codecs="zstd, lz4", application/json;q=0.5'
    assert media_ranges(accept) == [(ARROW, 1.0, {"codecs": "zstd, lz4"}), ("application/json", 0.5, {})]
    assert qualities(accept) == {ARROW: 1.0, "application/json": 0.5}
    assert negotiate(accept, KINDS) == "arrow"


def test_parameters_of_the_preferred_range_unquoted_names_lowercased() -> None:
    accept = f'{ARROW};q=0.2, {ARROW.upper()}; CODECS="z\\"std";q=0.9, text/csv'
    assert parameters(accept, ARROW) == {"codecs": 'z"std'}
    assert parameters(accept, "application/json") == {}
    assert parameters(f"{ARROW}; codecs=zstd;q=0", ARROW) == {}  # not accepted at all
    assert parameters(None, ARROW) == {}


def test_qualities_and_negotiation_as_before() -> None:
    assert qualities("text/html;q=0.9, */*;q=0.8, text/html") == {"text/html": 1.0, "*/*": 0.8}
    assert qualities("a/b;q=x") == {"a/b": 0.0}
    assert negotiate(None, KINDS) == "json"
    assert negotiate(f"{ARROW};q=0.4, application/json", KINDS) == "json"
    with pytest.raises(NotAcceptable):
        negotiate("image/png", KINDS)
