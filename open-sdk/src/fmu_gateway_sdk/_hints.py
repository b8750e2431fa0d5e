"""What to do next, for the errors whose remedy is outside the program: a refused or missing key, no
credits. Hints name the commands to run (`fmu-gateway ...`, or the operator's `fmu-gateway-api ...`),
never HTTP routes."""

from __future__ import annotations

from fmu_gateway_sdk import _config


def command(line: str, base_url: str) -> str:
    """`fmu-gateway LINE`, naming the gateway when it is not the default one."""
    url = "" if base_url == _config.DEFAULT_URL else f"--url {base_url} "
    return f"fmu-gateway {url}{line}"


def no_key(base_url: str) -> str:
    return (f"set {_config.KEY_ENV}, pass Gateway(api_key=...), or make a key (a new account) with "
            f"`{command('keys create --new-account --save', base_url)}`")


def key_refused(origin: _config.KeyOrigin | None, base_url: str) -> str:
    """The key was refused (401): say which key, where it lives, and how to make a new one."""
    if origin is not None and origin.path is not None:
        return (f"the key stored in {origin.path} is not accepted by {base_url} (revoked, or the gateway "
                "lost its data); the file was left as it is. Make a new key (a new account) with "
                f"`{command('keys create --new-account --save', base_url)}`, which stores it there (keeping "
                f"the old file next to it), or set {_config.KEY_ENV} to a key that works.")
    source = origin.source if origin is not None else "argument"
    which = _config.KEY_ENV if source == "environment" else "the key given (api_key=, --api-key)"
    return (f"{which} is not accepted by {base_url} (revoked or unknown). Make a new key (a new account) "
            f"with `{command('keys create --new-account', base_url)}` and use that one.")


def pay_online(checkout_url: str, session_id: str | None) -> str:
    return (f"pay for this run at {checkout_url}; then `fmu-gateway checkout status {session_id} --wait 600` "
            "(or Gateway.wait_for_payment) gives the payment token that pays the retry")


def grant_credits(base_url: str, account_id: str | None) -> str:
    """Payments are off on this gateway: only its operator can add credits."""
    grant = f"fmu-gateway-api grant-credits {account_id or 'ACCOUNT_ID'} N"
    return (f"payments are not enabled on {base_url} (there is no checkout): an operator of the gateway "
            f"grants credits on its server with `{grant}`"
            + ("" if account_id else " (`fmu-gateway account` shows the account id)"))
