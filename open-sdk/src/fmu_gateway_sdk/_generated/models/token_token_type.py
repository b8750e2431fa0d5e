from typing import Literal

TokenTokenType = Literal["Bearer"]

TOKEN_TOKEN_TYPE_VALUES: set[TokenTokenType] = {
    "Bearer",
}


def check_token_token_type(value: str) -> TokenTokenType:
    if value in TOKEN_TOKEN_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TOKEN_TOKEN_TYPE_VALUES!r}")
