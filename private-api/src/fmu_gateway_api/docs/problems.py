"""Every problem `type` this gateway answers with (https://fmu-gateway.dev/problems/<slug>): what it means and
what to do. A test scans the source for slugs, so a new one cannot ship without its page."""

from __future__ import annotations

from dataclasses import dataclass

from fmu_gateway_api.errors import PROBLEM_BASE


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int | None  # None: the `type` of a failed simulation (its `error`), not an HTTP answer
    title: str
    meaning: str
    action: str

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug


_P = ProblemType
CATALOGUE: tuple[ProblemType, ...] = (
    # -- any operation ------------------------------------------------------------------------------------
    _P("bad-request", 400, "Bad request", "The request could not be understood.",
       "Check the request against the contract (GET /v1/openapi.json, or /docs)."),
    _P("unauthorized", 401, "Unauthorized", "No API key or token was sent, or it is unknown, revoked or expired.",
       "Send `Authorization: Bearer <api key>`; create a key with POST /v1/keys."),
    _P("forbidden", 403, "Forbidden", "The credential is valid but may not do this.",
       "Use a credential with the right scope (an API key rather than a token for key management)."),
    _P("key-required", 403, "API key required", "Managing keys and tokens takes the API key itself, not a token.",
       "Repeat the request with the API key in the Authorization header."),
    _P("not-found", 404, "Not found", "There is no such resource (or no such route).",
       "Check the path and the id; list resources with the matching GET operation."),
    _P("method-not-allowed", 405, "Method not allowed", "The path exists but does not support this method.",
       "Use one of the methods the `Allow` header lists."),
    _P("not-acceptable", 406, "Not acceptable", "None of the media types in `Accept` can be produced.",
       "Accept one of the types the operation documents (the detail lists them), or use `format=`."),
    _P("conflict", 409, "Conflict", "The request conflicts with the resource's current state.",
       "Read the resource again and retry if it still makes sense."),
    _P("request-too-large", 413, "Request too large", "The body is larger than this gateway accepts "
       "(`limit_bytes` says how large it may be).", "Send a smaller body: fewer input points, fewer variables."),
    _P("payload-too-large", 413, "Payload too large", "The body is larger than this operation accepts.",
       "Send a smaller body."),
    _P("unsupported-media-type", 415, "Unsupported media type", "The body's Content-Type is not the one the "
       "operation takes.", "Send JSON as application/json, an FMU as multipart/form-data."),
    _P("invalid-request", 422, "Invalid request", "The body or a parameter does not match the contract, or is "
       "malformed JSON; `errors` lists each field.", "Fix the fields named in `errors` and send it again."),
    _P("rate-limited", 429, "Too many requests", "This account sent more requests than its tier allows per "
       "minute.", "Wait for `Retry-After` seconds; the `RateLimit` headers show the budget."),
    _P("server-busy", 503, "Server busy", "The gateway is receiving as many request bodies as it can hold.",
       "Retry after `Retry-After` seconds."),
    _P("service-unavailable", 503, "Service unavailable", "A part the gateway needs is not available now.",
       "Retry later; if it persists, tell the operator."),
    _P("not-ready", 503, "Not ready", "The gateway is up but a dependency (database, blob store, runner) is not.",
       "Retry later; `checks` says which part failed."),
    _P("http-error", None, "HTTP error", "An HTTP error without a more specific type.",
       "Read `status` and `detail`."),
    _P("internal-error", None, "Internal error", "The service failed while running a simulation (not the model); "
       "the run was refunded.", "Retry; if it happens again, report the request id."),
    # -- keys and accounts ---------------------------------------------------------------------------------
    _P("signups-limited", 429, "Too many new accounts", "Too many accounts were created from this address or in "
       "total in the last hour.", "Reuse an existing key, or try again later."),
    _P("too-many-keys", 409, "Too many keys", "The account holds the most live keys it may (`limit`).",
       "Revoke (DELETE /v1/keys/{key_id}) or rotate a key instead of creating one."),
    _P("idempotency-key-reused", 422, "Idempotency key reused", "This Idempotency-Key was used before with a "
       "different request.", "Use a fresh key for a different request."),
    _P("idempotency-key-in-progress", 409, "Idempotency key in progress", "A request with this Idempotency-Key is "
       "still being processed.", "Retry after `Retry-After` seconds: you get the first request's answer."),
    # -- billing -------------------------------------------------------------------------------------------
    _P("payment-required", 402, "Payment required", "The account's balance does not cover the price of the run "
       "(`price_credits`, `balance_credits`).", "Pay at `checkout_url` (then pass the `Payment-Token`), buy "
       "credits, or ask the operator to grant some when `payments_enabled` is false."),
    _P("invalid-payment-token", 402, "Invalid payment token", "The Payment-Token header is unknown, used or not "
       "paid.", "Complete the checkout and use the token it gives, once."),
    _P("payments-disabled", 404, "Payments are not enabled", "This gateway takes no payments.",
       "Ask the operator to grant credits."),
    _P("payments-unavailable", 503, "Payments unavailable", "The payment provider could not be reached.",
       "Retry after `Retry-After` seconds."),
    _P("unknown-credit-pack", 422, "Unknown credit pack", "The credit pack asked for does not exist.",
       "Choose a pack from GET /v1/pricing."),
    _P("invalid-signature", 400, "Invalid webhook signature", "A webhook's signature does not verify.",
       "Only the payment provider calls this endpoint."),
    # -- FMUs ----------------------------------------------------------------------------------------------
    _P("fmu-not-found", 404, "FMU not found", "No FMU with this id in this account (or no such library model).",
       "Upload it with POST /v1/fmus, or list library models with GET /v1/library."),
    _P("fmu-too-large", 413, "FMU too large", "The archive is larger than this gateway accepts (`limit_bytes`).",
       "Strip what the FMU does not need to run (documentation, other platforms' binaries)."),
    _P("malformed-upload", 422, "Malformed upload", "The multipart body could not be read or has no `file` part.",
       "Send the FMU as multipart/form-data in a part named `file`."),
    _P("fmu-not-a-zip", 422, "Not a ZIP archive", "The upload is not a readable ZIP archive.",
       "Upload the .fmu file itself (a ZIP), complete and unmodified."),
    _P("fmu-too-many-entries", 422, "Too many archive entries", "The archive has more entries than allowed.",
       "Remove files the FMU does not need."),
    _P("fmu-unsafe-path", 422, "Unsafe or conflicting archive entry", "An entry's path is absolute, climbs out "
       "with `..`, holds a NUL or drive letter, or appears twice with different contents (identical "
       "duplicates are fine).", "Rebuild the archive with relative paths, each once."),
    _P("fmu-symlink", 422, "Link or special file", "The archive holds a symbolic link or a device, FIFO or "
       "socket.", "Replace links with the files they point to."),
    _P("fmu-zip-bomb", 413, "Archive expands too much", "The archive expands beyond the size or compression "
       "limits (per entry, or all entries together).", "Upload an FMU whose content is its real size."),
    _P("fmu-missing-model-description", 422, "No modelDescription.xml", "The archive has no modelDescription.xml "
       "at its root.", "Put modelDescription.xml at the top level of the ZIP, as FMI requires."),
    _P("fmu-invalid-model-description", 422, "Invalid modelDescription.xml", "modelDescription.xml is not valid "
       "(XML, the FMI schema or FMPy's rules; DOCTYPE and entities are refused).", "Fix the description (the "
       "detail quotes the first problem); `fmpy validate` shows the same."),
    _P("fmu-unsupported-fmi-version", 422, "Unsupported FMI version", "Only FMI 2.0 and 3.0 are supported.",
       "Export the model as FMI 2.0 or 3.0."),
    _P("fmu-no-interface", 422, "No usable interface", "The FMU implements neither Model Exchange nor "
       "Co-Simulation.", "Export with Model Exchange or Co-Simulation."),
    _P("fmu-no-linux-binary", 422, "No Linux binary", "There is no Linux x86-64 binary for the model identifier "
       "and no sources to build one.", "Export for Linux 64-bit, or include the C sources."),
    _P("fmu-build-failed", 422, "Build failed", "The FMU's sources did not compile into a Linux binary.",
       "Fix the sources (the detail names the file and the compiler's first messages) or ship a binary."),
    _P("fmu-invalid", 422, "FMU could not be inspected", "Inspecting or unpacking the FMU failed.",
       "Check that the FMU opens with FMPy; report the request id if it does."),
    _P("model-too-large", 422, "Model too large", "The model has more variables, or a larger "
       "modelDescription.xml, than this gateway accepts.", "Ask the operator for higher limits."),
    _P("library-read-only", 403, "Library models are read-only", "Library models cannot be deleted or changed.",
       "Upload your own copy to change it."),
    _P("sandbox-unavailable", 503, "Sandbox unavailable", "FMUs cannot be inspected right now.",
       "Retry shortly; nothing was stored."),
    # -- simulations ---------------------------------------------------------------------------------------
    _P("invalid-simulation-request", 422, "Invalid simulation request", "The request cannot be run on this model "
       "as given (times, output points, settings); nothing was charged.", "Fix what the detail names."),
    _P("invalid-variable", 422, "Invalid variable", "A name in start_values, inputs, outputs or kpis is not a "
       "variable of the model, or its value does not fit the variable (type, causality, an array's size; "
       "`variable` names it).", "List the variables with GET /v1/fmus/{fmu_id}/variables; an FMI 3 array takes "
       "a list of its elements, an element is named like `y[2]`."),
    _P("interface-not-supported", 422, "Interface not supported", "The FMU does not implement the interface "
       "asked for.", "Use `auto` or one the FMU lists in `interfaces`."),
    _P("solver-not-applicable", 422, "Solver not applicable", "A solver was given for Co-Simulation, which brings "
       "its own.", "Leave `solver` out, or choose Model Exchange."),
    _P("timeout-too-long", 422, "Timeout too long", "timeout_s is above the maximum for this account's tier.",
       "Ask for less, or move to a tier with longer runs."),
    _P("too-many-outputs", 422, "Too many outputs", "More output variables than one run may record.",
       "Name the outputs you need."),
    _P("simulation-ended", 409, "Simulation has ended", "The simulation has already ended; it cannot be "
       "cancelled.", "Read it with GET /v1/simulations/{simulation_id}."),
    _P("invalid-sweep", 422, "Invalid sweep", "The sweep's cases, grid or Latin hypercube cannot be run: a case "
       "names an unknown variable or an invalid value (`case` says which), or the ranges are empty.",
       "Fix the case the detail names; quote the sweep (POST /v1/sweeps/quote) before admitting it."),
    _P("too-many-cases", 422, "Too many cases", "The sweep has more cases than one sweep may hold (`limit`).",
       "Split it into several sweeps, or sample fewer points (`lhs` with fewer samples)."),
    _P("sweep-ended", 409, "Sweep has ended", "Every case of the sweep has ended; there is nothing to cancel.",
       "Read its table with GET /v1/sweeps/{sweep_id}/results."),
    _P("callback-url-not-allowed", 422, "Callback URL not allowed", "`callback_url` is not http(s), carries "
       "credentials, or (in production) resolves to a private, loopback, link-local or reserved address.",
       "Give a public http(s) URL of a receiver you run; verify its deliveries as the README shows."),
    _P("result-not-available", 409, "Result not available", "The simulation has no result (yet): it is queued, "
       "running, failed or cancelled (`simulation_status`).", "Wait for `succeeded`, then fetch the result."),
    # -- a failed simulation's `error.type` ----------------------------------------------------------------
    _P("model-error", None, "Model error", "The model reported an error, or FMPy refused it, while it ran "
       "(charged: the run used the sandbox).", "Read the detail and the model's log; check start values and "
       "inputs."),
    _P("model-crashed", None, "Model crashed", "The model's code crashed (a signal such as a segmentation fault) "
       "or ended the process.", "Fix the model; the same request will crash again."),
    _P("model-killed", None, "Model killed", "The model's process was killed, by the kernel at the memory limit "
       "or by the model itself.", "Reduce the model's memory use or ask for a larger tier."),
    _P("model-load-failed", None, "Model failed to load", "The model's binary, or a shared library it needs, "
       "would not load; the detail carries the loader's message (the missing library or undefined symbol).",
       "Ship the library inside the FMU or link it statically; build for linux64 with the FMI functions "
       "exported."),
    _P("runner-throttled", None, "Runner throttled", "ECS did not start the run's task yet (its API was "
       "throttled); the run went back to the queue and starts later. You do not see this as a final status.",
       "Nothing: the run is delayed, not failed."),
    _P("model-out-of-memory", None, "Model out of memory", "The model reached its memory limit.",
       "Reduce the model's memory use or ask for a larger tier."),
    _P("simulation-timeout", None, "Simulation timeout", "The run did not finish within its timeout (or used up "
       "its CPU time).", "Raise timeout_s (within the tier's maximum), shorten the run or relax the solver."),
    _P("simulation-cancelled", None, "Simulation cancelled", "The simulation was cancelled on request.",
       "Nothing to do; a queued one was refunded."),
    _P("output-too-large", None, "Output too large", "The result is larger than the output limit.",
       "Use a longer output_interval or fewer output variables."),
    _P("worker-lost", None, "Worker lost", "The worker running the simulation stopped twice; it was not run a "
       "third time, and was refunded.", "Retry; report the simulation id if it happens again."),
    _P("sandbox-failed", None, "Sandbox failed", "The gateway, not the model, failed to run the sandbox; the run "
       "was refunded.", "Retry; report the request id if it persists."),
)

BY_SLUG = {p.slug: p for p in CATALOGUE}
