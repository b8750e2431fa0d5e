// Generated from shared-specs/openapi.yaml by openapi-typescript (see GENERATED_FROM). Do not edit:
// run `npm run generate` in open-sdk/typescript, or `make sdk-ts` at the repository root.

export interface paths {
    "/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness of the database, blob store and runner */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Request latency by route, runs by status and backend, queue depth, credits debited, outbox lag
         *     (gauges refreshed in the background: a scrape costs no database query). When the operator sets
         *     a metrics token, the scraper sends it as the bearer; else restrict the path to your monitoring
         *     network.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This contract, as YAML */
        get: operations["getOpenApiYaml"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This contract, as JSON */
        get: operations["getOpenApiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Interactive documentation of this contract (Swagger UI; every asset served by the gateway) */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/problems": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every problem type this gateway answers with
         * @description JSON, or one HTML page for a browser (Accept preferring text/html).
         */
        get: operations["listProblemTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/problems/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What a problem type means and what to do
         * @description The page a problem's `type` (`https://fmu-gateway.dev/problems/<slug>`) names: JSON, or HTML for a
         *     browser (Accept preferring text/html).
         */
        get: operations["getProblemType"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account's keys (prefix, name, created, last used, revoked) */
        get: operations["listKeys"];
        put?: never;
        /**
         * Create an API key
         * @description Without credentials, creates a new account and its first key (new accounts are limited per client
         *     address and in total: `429 signups-limited`). With a live API key, adds a key to the caller's
         *     account (at most the operator's limit of live keys: `409 too-many-keys`); a token is not enough
         *     (`403 key-required`). The key is returned once; only its hash is stored.
         */
        post: operations["createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: components["parameters"]["KeyId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a key
         * @description The key, and every token minted for it, stops working at once in this process and within 5
         *     seconds everywhere. Needs a live API key (`403 key-required` for a token).
         */
        delete: operations["revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{key_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: components["parameters"]["KeyId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace a key by a new one (the old one is revoked)
         * @description Needs a live API key (`403 key-required` for a token).
         */
        post: operations["rotateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange an API key for a short-lived internal token
         * @description The edge verifies the key and returns the EdDSA-signed JWT it minted (at most 5 minutes; identity
         *     only: account, key id, scopes, audience, jti). Partners may send it as the Bearer instead of the
         *     key; it stops working within 5 seconds of the key's revocation. Needs a live API key (`403
         *     key-required` for a token).
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pricing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tiers, limits, credit packs and the pay-per-run price (shared-specs/pricing.yaml) */
        get: operations["getPricing"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tier, credit balance and recent ledger entries */
        get: operations["getAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/quotes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Price a simulation request without running it
         * @description Checked exactly like createSimulation (same 404 and 422 answers); a cached result is free.
         */
        post: operations["createQuote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Buy a credit pack (a Stripe Checkout Session) */
        post: operations["createCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments/checkout/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        /** A checkout session's state and, once a pay-per-run session is paid, its payment token */
        get: operations["getCheckout"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stripe events (signature-verified on the raw body; each event id applied once) */
        post: operations["receiveStripeWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/library": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List and search the model library */
        get: operations["listLibraryModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fmus": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List this account's uploaded FMUs */
        get: operations["listFmus"];
        put?: never;
        /**
         * Upload an FMU
         * @description The archive is streamed to disk, hashed (its sha256 is its id) and validated before it is kept:
         *     safe paths, no links, entry-count and size caps, a valid modelDescription.xml (FMI 2 or 3), and
         *     a Linux x86-64 binary or C sources that compile. An FMU this account already has is answered
         *     with 200 and its record; new ones with 201.
         *     Validation has two levels: what makes an FMU unsafe or unrunnable is refused (422 or 413, nothing
         *     stored, nothing charged); schema quirks that FMPy simulates through are accepted and listed in
         *     the FMU's `warnings`. A source build that fails says which of the FMU's files failed and why
         *     (`fmu-build-failed`), or which source list or binary name it expected.
         */
        post: operations["uploadFmu"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fmus/{fmu_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sha256 of an uploaded FMU, or a library id such as `lib:BouncingBall` (FMI 3) or `lib:BouncingBall@fmi2`. */
                fmu_id: components["parameters"]["FmuId"];
            };
            cookie?: never;
        };
        /** Get an FMU (an upload of this account, or a library model) */
        get: operations["getFmu"];
        put?: never;
        post?: never;
        /**
         * Delete an uploaded FMU
         * @description Past simulations and their results stay available.
         */
        delete: operations["deleteFmu"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fmus/{fmu_id}/variables": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sha256 of an uploaded FMU, or a library id such as `lib:BouncingBall` (FMI 3) or `lib:BouncingBall@fmi2`. */
                fmu_id: components["parameters"]["FmuId"];
            };
            cookie?: never;
        };
        /** The model's variables */
        get: operations["listFmuVariables"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fmus/{fmu_id}/model": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sha256 of an uploaded FMU, or a library id such as `lib:BouncingBall` (FMI 3) or `lib:BouncingBall@fmi2`. */
                fmu_id: components["parameters"]["FmuId"];
            };
            cookie?: never;
        };
        /** Model information from the model description */
        get: operations["getFmuModelInfo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/simulations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This account's recent simulations, newest first */
        get: operations["listSimulations"];
        put?: never;
        /**
         * Run a simulation
         * @description Checks the request against the model description, then runs it in a fresh sandbox. Waits up to
         *     `wait_s` seconds (bounded by the server) for the result: 200 with the result inline when it has
         *     ended (also when the model failed: see `status` and `error`), else 202 with the simulation to
         *     poll. An identical request on the same FMU returns the stored result at once, with
         *     `cached: true`.
         */
        post: operations["createSimulation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/simulations/{simulation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        /** A simulation's status, KPIs, provenance and error */
        get: operations["getSimulation"];
        put?: never;
        post?: never;
        /**
         * Cancel a simulation
         * @description A queued simulation is cancelled at once and its price refunded; a running one is stopped (its
         *     sandbox killed) within about a second, wherever it runs, and is not refunded.
         */
        delete: operations["cancelSimulation"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/simulations/{simulation_id}/result": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        /**
         * The result as JSON columns, CSV, Apache Arrow or Parquet
         * @description A result is stored once as an Apache Arrow table and rendered as asked: JSON by default; CSV, an
         *     Arrow IPC stream (`application/vnd.apache.arrow.stream`) or Parquet (`application/vnd.apache.parquet`,
         *     zstd) when the Accept header prefers one, or by `format`. Arrow and Parquet keep the FMI types, NaN
         *     and the infinities as they are: one field per column, time first, with field metadata `fmi_type`,
         *     `unit` and, for an FMI 3 array (a fixed-size list of its elements, row-major), `dimensions`
         *     (`"3"`, `"3,3"`); String is utf8, Binary is binary. JSON and CSV are as `ResultData` says.
         *     The Arrow stream's buffers are uncompressed unless the client names the IPC buffer codecs it reads
         *     with a `codecs` parameter on the Arrow media type, as the Apache Arrow project suggests for HTTP:
         *     `Accept: application/vnd.apache.arrow.stream; codecs="zstd, lz4"` (also with `format=arrow`). A
         *     list with `zstd` gets the stored stream as it is, its buffers zstd-compressed (smaller, and sent
         *     without re-encoding; pyarrow and most Arrow libraries read it as it is, Arrow JS needs a zstd codec
         *     registered); any other list gets uncompressed buffers, which a client must always accept.
         */
        get: operations["getSimulationResult"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/simulations/{simulation_id}/log": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        /**
         * The run's log (the FMU's logger messages, then the sandbox's stdout and stderr)
         * @description Plain text by default (one message a line; `[category] message` for the FMU's logger callback,
         *     then what the model wrote to stdout and stderr), JSON when `format=json` is given or the Accept
         *     header prefers `application/json`. The log is kept per run, capped at 20,000 characters (the
         *     first and the last messages of a model that talks too much, with the number left out between).
         *     Give `debug_logging: true` in the request to have the FMU log its debug categories too. A run
         *     served from the cache, or not yet ended, has an empty log (204 as text).
         */
        get: operations["getSimulationLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/quote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What a sweep would cost, before anything runs
         * @description Expands the cases and checks each one against the model as `createSweep` would, without running
         *     or charging anything. `affordable_cases` is how many of the cases (in order) the balance pays for:
         *     give it as `max_cases` to run exactly those.
         */
        post: operations["quoteSweep"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a sweep (one simulation per case, in parallel)
         * @description A base simulation request plus cases: an explicit list of start-value sets (`cases`), every
         *     combination of value lists (`grid`), or Latin-hypercube samples over ranges with a seed (`lhs`).
         *     Every case is checked against the model and the whole sweep is paid in one transaction before
         *     anything runs: all cases, or the first `max_cases`; when the balance does not cover them, 402 and
         *     nothing is charged or stored. Each case is an ordinary queued simulation (with `sweep_id`) that
         *     the workers run in parallel; a case identical to a stored result is served from it, free.
         */
        post: operations["createSweep"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{sweep_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sweep_id: components["parameters"]["SweepId"];
            };
            cookie?: never;
        };
        /** A sweep's progress (cases by status) */
        get: operations["getSweep"];
        put?: never;
        post?: never;
        /**
         * Cancel a sweep
         * @description Every case still queued is cancelled and refunded at once, and so is every case a worker has claimed
         *     in a batch but not begun (its status turns `cancelled` when the worker stops the batch there); cases
         *     already running finish (they are paid for, and their results stay in the table).
         */
        delete: operations["cancelSweep"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{sweep_id}/results": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sweep_id: components["parameters"]["SweepId"];
            };
            cookie?: never;
        };
        /**
         * The sweep's table, one row per case
         * @description One row per case, in case order: its start values, status, KPIs, error and simulation id (whose
         *     full result is `getSimulationResult`). Cases not yet ended are rows too (status queued or
         *     running). JSON by default; CSV when the Accept header prefers `text/csv` or `format=csv` is
         *     given (columns `case`, `simulation_id`, `status`, `cached`, one per start value, one per KPI,
         *     `error`).
         */
        get: operations["getSweepResults"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/simulations/{simulation_id}/callbacks": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        /** The completion callback of a simulation and its delivery attempts */
        get: operations["listSimulationCallbacks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{sweep_id}/callbacks": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sweep_id: components["parameters"]["SweepId"];
            };
            cookie?: never;
        };
        /** The completion callback of a sweep and its delivery attempts */
        get: operations["listSweepCallbacks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account/callback-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The account's secret that signs completion callbacks
         * @description Made on first use. Every callback carries `FMU-Gateway-Signature: t=<unix time>,v1=<hex>` where
         *     v1 is HMAC-SHA256 with this secret over `<t>.<raw body>`; see the README for the recipe.
         */
        get: operations["getCallbackSecret"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/jobs/{job_id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A runner task reports that its job's sandbox has ended
         * @description Called by the ECS runner task of this job only. The bearer token must be the job token the API
         *     minted for it (audience fmu-gateway-runner, scope job:<job_id>); API keys, API tokens and tokens
         *     of other jobs are refused with 401. 404 when no run of this job waits on this replica.
         */
        post: operations["completeJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details. Extra members depend on the type. */
        Problem: {
            /**
             * Format: uri
             * @description Stable: https://fmu-gateway.dev/problems/<slug>
             */
            type: string;
            title: string;
            status: number;
            detail: string;
            instance?: string;
            /** @description The variable a simulation request got wrong. */
            variable?: string;
            /** @description request-too-large, fmu-too-large: the limit that was passed */
            limit_bytes?: number;
            /** @description too-many-keys: the most live keys an account may hold */
            limit?: number;
            /** @description payment-required: the account that has to pay */
            account_id?: string;
            /**
             * @description payment-required: false when this gateway takes no payments (no checkout_url will come: an
             *     operator grants credits).
             */
            payments_enabled?: boolean;
            /** @description Readiness checks, on a not-ready answer. */
            checks?: {
                [key: string]: string;
            };
            /** @description payment-required: the price of the run */
            price_credits?: number;
            /** @description payment-required: the balance */
            balance_credits?: number;
            currency?: string;
            /** @description payment-required: pay for this one run here */
            checkout_url?: string;
            /** @description payment-required: the checkout session to poll */
            session_id?: string;
            pay_per_run_cents?: number;
            credit_packs?: {
                id?: string;
                credits?: number;
                price_cents?: number;
            }[];
            /** @description Field-level errors of a malformed request. */
            errors?: {
                loc?: string[];
                msg?: string;
                type?: string;
            }[];
        } & {
            [key: string]: unknown;
        };
        ProblemType: {
            /** @description The `type` of problems of this kind */
            type: string;
            slug: string;
            /** @description The HTTP status; null for a failed simulation's error.type */
            status: number | null;
            title: string;
            meaning: string;
            /** @description What to do about it. */
            action: string;
        };
        ProblemTypeList: {
            items: components["schemas"]["ProblemType"][];
        };
        Health: {
            /** @enum {string} */
            status: "ok";
            version: string;
        };
        Readiness: {
            /** @enum {string} */
            status: "ok";
            checks: {
                [key: string]: string;
            };
        };
        KeyCreate: {
            name?: string | null;
        };
        KeyCreated: {
            account_id: string;
            key_id: string;
            /** @description The secret key. Shown only in this response. */
            api_key: string;
            /** @description The visible start of the key */
            prefix: string;
            name: string | null;
            /** Format: date-time */
            created_at: string;
        };
        Key: {
            key_id: string;
            prefix: string;
            name: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
        };
        KeyList: {
            items: components["schemas"]["Key"][];
        };
        Token: {
            access_token: string;
            /** @enum {string} */
            token_type: "Bearer";
            /** @description Seconds. */
            expires_in: number;
        };
        Pricing: {
            version: number;
            currency: string;
            default_tier: string;
            tiers: {
                [key: string]: {
                    description?: string;
                    /** @enum {string} */
                    billing: "prepaid" | "metered";
                    run_price_credits: number;
                    included_credits: number;
                    max_run_seconds: number;
                    max_fmu_bytes: number;
                    concurrent_runs: number;
                    requests_per_minute: number;
                    meter_event_name?: string;
                };
            };
            credit_packs: {
                id: string;
                credits: number;
                price_cents: number;
            }[];
            pay_per_run: {
                description?: string;
                price_cents: number;
            };
        };
        LedgerEntry: {
            id: string;
            /** @enum {string} */
            kind: "grant" | "topup" | "debit" | "refund" | "usage";
            /** @description Credits; negative for debits and metered usage. */
            amount: number;
            balance_after: number;
            /** @description The simulation or checkout session. */
            reference: string | null;
            note: string | null;
            /** Format: date-time */
            created_at: string;
        };
        Account: {
            account_id: string;
            name: string | null;
            tier: string;
            /** @enum {string} */
            billing: "prepaid" | "metered";
            balance_credits: number;
            currency: string;
            run_price_credits: number;
            /** Format: date-time */
            created_at: string;
            ledger: components["schemas"]["LedgerEntry"][];
        };
        Quote: {
            price_credits: number;
            balance_credits: number;
            tier: string;
            /** @enum {string} */
            billing: "prepaid" | "metered";
            currency: string;
            /** @description An identical result is stored; the run would be free. */
            cached: boolean;
            sufficient: boolean;
        };
        CheckoutCreate: {
            pack_id: string;
        };
        Checkout: {
            session_id: string;
            /** @enum {string} */
            kind: "pack" | "run";
            pack_id: string | null;
            credits: number;
            amount_cents: number;
            currency: string;
            status: string;
            payment_status: string;
            checkout_url: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            paid_at: string | null;
            /** @description Pay-per-run sessions, once paid: send as Payment-Token; one run, once, before it expires. */
            payment_token: string | null;
            /** Format: date-time */
            payment_token_expires_at: string | null;
            payment_token_redeemed: boolean;
        };
        WebhookAck: {
            received: boolean;
            outcome: string;
        };
        LibraryModel: {
            /**
             * @example lib:BouncingBall
             * @example lib:BouncingBall@fmi2
             */
            id: string;
            name: string;
            /** @enum {string} */
            fmi_version: "2.0" | "3.0";
            interfaces: components["schemas"]["Interface"][];
            description: string;
            tags: string[];
            sha256: string;
        };
        LibraryList: {
            items: components["schemas"]["LibraryModel"][];
        };
        /** @enum {string} */
        Interface: "ModelExchange" | "CoSimulation";
        Fmu: {
            /** @description sha256 for uploads, lib:<Name>[@fmi2] for library models */
            id: string;
            sha256: string;
            /** @enum {string} */
            source: "upload" | "library";
            filename: string;
            size: number;
            /** Format: date-time */
            created_at: string | null;
            model: components["schemas"]["ModelInfo"];
            /**
             * @description What upload validation found but accepted: schema quirks of tool exports that FMPy simulates
             *     through (e.g. an Enumeration declared continuous). Empty for a clean FMU. Anything that makes
             *     an FMU unsafe or unrunnable is refused instead (see uploadFmu).
             */
            warnings: string[];
        };
        FmuList: {
            items: components["schemas"]["Fmu"][];
        };
        DefaultExperiment: {
            start_time: number | null;
            stop_time: number | null;
            tolerance: number | null;
            step_size: number | null;
        };
        ModelInfo: {
            fmi_version: string;
            model_name: string;
            /** @description FMI 2 guid or FMI 3 instantiationToken. */
            instantiation_token: string;
            description: string | null;
            generation_tool: string | null;
            interfaces: components["schemas"]["Interface"][];
            model_identifiers: {
                [key: string]: string;
            };
            platforms: string[];
            has_sources: boolean;
            /** @description The Linux binary was compiled by the gateway from the FMU's sources. */
            built_from_sources: boolean;
            default_experiment: components["schemas"]["DefaultExperiment"] | null;
            variable_count: number;
            inputs: string[];
            outputs: string[];
            parameters: string[];
            states: string[];
        };
        Variable: {
            name: string;
            value_reference: number;
            causality: string;
            variability: string;
            /** @description FMI type: Real/Integer/Boolean/String/Enumeration (FMI 2), Float64/Int32/... (FMI 3) */
            type: string;
            /** @description An array variable's start values: one list of all elements, row-major. */
            start: (number | boolean | string | null) | (number | boolean | string)[];
            unit: string | null;
            description: string | null;
            initial?: string | null;
            /**
             * @description FMI 3 array variables: the size of each dimension (a structural parameter's start value when
             *     the size is one); null for a scalar. Elements are named one-based, row-major: `y[2]`, `A[1,3]`.
             */
            dimensions?: number[] | null;
        };
        VariableList: {
            items: components["schemas"]["Variable"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            next_cursor: string | null;
        };
        /**
         * @description Input signals: one time vector and, per input variable, one value per time point. Real inputs
         *     are interpolated linearly between points and held constant before the first and after the last
         *     point; integer and boolean inputs are piecewise constant. A repeated time point makes a step.
         *     An FMI 3 array input takes one list of all its elements (row-major) per time point.
         */
        InputSeries: {
            time: number[];
            signals: {
                [key: string]: (number | number[])[];
            };
        };
        /**
         * @description A figure computed from the result. min, max and final are taken from the samples; mean and rms
         *     are time-weighted (trapezoidal integral divided by the simulated interval); integral is the
         *     trapezoidal integral over time. `variable` names a variable or one element of an FMI 3 array
         *     (`y[2]`, one-based); a whole array gives one figure per element, keyed by element (`max(y[1])`,
         *     or `<name>[1]` when named). A figure that is not finite (NaN or an infinity) is null.
         */
        KpiSpec: {
            variable: string;
            /** @enum {string} */
            kind: "min" | "max" | "mean" | "rms" | "final" | "integral";
            /** @description Key in the kpis object; default kind(variable) */
            name?: string | null;
        };
        SimulationCreate: {
            /**
             * @description An uploaded FMU's sha256 or a library id.
             * @example lib:BouncingBall
             * @example lib:VanDerPol@fmi2
             */
            fmu_id: string;
            /**
             * @description auto: Co-Simulation when the FMU has it, else Model Exchange
             * @default auto
             * @enum {string}
             */
            interface?: "auto" | "ModelExchange" | "CoSimulation";
            /** @description Default from the model's default experiment */
            start_time?: number | null;
            /** @description Default from the model's default experiment */
            stop_time?: number | null;
            /** @description Default: the default experiment's step size, else (stop - start) / 500. */
            output_interval?: number | null;
            /**
             * @description Model Exchange only (default CVode).
             * @enum {string|null}
             */
            solver?: "CVode" | "Euler" | null;
            relative_tolerance?: number | null;
            /** @description Fixed step of the Euler solver. */
            step_size?: number | null;
            /**
             * @description Start values by variable name, typed as the model declares them. An FMI 3 array variable takes a
             *     list of all its elements (row-major), or nested lists of its shape.
             */
            start_values?: {
                [key: string]: (number | boolean | string) | unknown[];
            };
            inputs?: components["schemas"]["InputSeries"] | null;
            /** @description Variables to record. Default: the model's outputs, else its states. */
            outputs?: string[] | null;
            kpis?: components["schemas"]["KpiSpec"][];
            /** @description Wall-clock limit of the run */
            timeout_s?: number | null;
            /** @description How long to wait for the result before answering 202. */
            wait_s?: number | null;
            /**
             * @description false runs the simulation even when an identical result is stored.
             * @default true
             */
            cache?: boolean;
            /**
             * @description false: the answer carries no `result` (fetch it from `result_url` as JSON, CSV, Arrow or Parquet),
             *     which saves rendering a large result as JSON.
             * @default true
             */
            inline_result?: boolean;
            /**
             * @description Turns the FMU's debug logging on (all its log categories); see getSimulationLog.
             * @default false
             */
            debug_logging?: boolean;
            /**
             * Format: uri
             * @description Where to POST the final status once the simulation has ended (signed; see the README's "Completion
             *     callbacks"). http or https; in production never a private, loopback or link-local address.
             */
            callback_url?: string | null;
        };
        SimulationError: {
            /** @description model-error, model-load-failed (the binary or a library it needs would not load; the loader's message is in detail), model-crashed, model-killed, model-out-of-memory, simulation-timeout, output-too-large, sandbox-failed, ... */
            type: string;
            detail: string;
        };
        /**
         * @description One entry per recorded variable (a column), time first. Numbers are written exactly (shortest
         *     round-trip form); in a Float column the non-finite numbers are the strings `"NaN"`, `"Infinity"`
         *     and `"-Infinity"` (JSON has no literal for them). An FMI 3 array variable is one column whose values
         *     are nested arrays of its `dimensions` (row-major). String outputs are strings; Binary outputs are
         *     base64 strings. In CSV an array is one column per element (`y[1]`, `y[2]`, ... ; `A[1,2]` for a
         *     matrix), non-finite numbers are spelled as in JSON, booleans are 0/1.
         */
        ResultData: {
            /** @description time first */
            columns: string[];
            units: {
                [key: string]: string;
            };
            /** @description Each column's FMI type: Float64, Float32, Int32, ..., Boolean, String, Binary (FMI 2 Real is Float64, Integer and Enumeration are Int32). Sent with every result since 0.8; absent from older stored results. */
            types?: {
                [key: string]: string;
            };
            /** @description The array columns only, with the size of each dimension (sent with every result since 0.8). */
            dimensions?: {
                [key: string]: number[];
            };
            /** @description One array per column, one value per time point. */
            data: {
                [key: string]: ((number | boolean | string | null) | unknown[])[];
            };
        };
        /** @description Exactly one of `cases`, `grid` and `lhs`. */
        SweepCreate: {
            base: components["schemas"]["SimulationCreate"];
            /** @description Start-value sets, one per case (over the base's start values). */
            cases?: {
                [key: string]: number | boolean | string;
            }[] | null;
            /** @description Value lists by variable name; every combination is a case (the last name varies fastest). */
            grid?: {
                [key: string]: (number | boolean | string)[];
            } | null;
            lhs?: components["schemas"]["SweepLhs"] | null;
            /** @description Admit only the first max_cases cases (see quoteSweep's affordable_cases). */
            max_cases?: number | null;
            /**
             * Format: uri
             * @description Where to POST the final status once every case of the sweep has ended (signed; see the README's "Completion
             *     callbacks"). http or https; in production never a private, loopback or link-local address.
             */
            callback_url?: string | null;
        };
        /** @description Latin-hypercube samples, one stratum per sample in each range, reproducible by seed. */
        SweepLhs: {
            /** @description [low, high] by variable name (Real variables). */
            ranges: {
                [key: string]: number[];
            };
            samples: number;
            /** @default 0 */
            seed?: number;
        };
        SweepQuote: {
            /** @description The cases the request expands to. */
            case_count: number;
            /** @description The cases that would run (max_cases applied). */
            admitted_cases: number;
            /** @description Admitted cases with a stored identical result (free). */
            cached_cases: number;
            price_per_run_credits: number;
            /** @description The price of the admitted cases. */
            price_credits: number;
            balance_credits: number;
            /** @description How many cases (in order) the balance pays for. */
            affordable_cases: number;
            sufficient: boolean;
            tier: string;
            /** @enum {string} */
            billing: "prepaid" | "metered";
            currency: string;
        };
        SweepCounts: {
            queued: number;
            running: number;
            succeeded: number;
            failed: number;
            cancelled: number;
        };
        Sweep: {
            id: string;
            /**
             * @description completed when every case has ended; cancelled once a cancel was asked for.
             * @enum {string}
             */
            status: "running" | "completed" | "cancelled";
            fmu_id: string;
            fmu_sha256: string;
            case_count: number;
            counts: components["schemas"]["SweepCounts"];
            /** @description The fraction of cases that have ended. */
            progress: number;
            /** @description What admission charged (refunds are in the ledger). */
            price_credits: number;
            /** @description The start values the cases set. */
            parameters: string[];
            /** @description The KPI columns of the table. */
            kpis: string[];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            finished_at: string | null;
            results_url: string;
        };
        SweepRow: {
            case: number;
            simulation_id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            cached: boolean;
            start_values: {
                [key: string]: number | boolean | string;
            };
            kpis: {
                [key: string]: number | null;
            };
            error: components["schemas"]["SimulationError"] | null;
        };
        SweepTable: {
            sweep_id: string;
            /** @enum {string} */
            status: "running" | "completed" | "cancelled";
            parameters: string[];
            kpis: string[];
            rows: components["schemas"]["SweepRow"][];
        };
        CallbackSecret: {
            /** @description whsec_... */
            secret: string;
        };
        CallbackAttempt: {
            attempt: number;
            /** @description `<delivery id>.<attempt>`, sent as the FMU-Gateway-Attempt header */
            attempt_id: string;
            /** Format: date-time */
            at: string;
            /** @description The receiver's HTTP status (null when it could not be reached). */
            status_code: number | null;
            error: string | null;
        };
        CallbackDelivery: {
            /** @description The delivery id (FMU-Gateway-Delivery header, and the body's id): the same on every attempt. */
            id: string;
            /** @enum {string} */
            event: "simulation.ended" | "sweep.ended";
            url: string;
            /**
             * @description failed once a day of retries has passed without a 2xx.
             * @enum {string}
             */
            state: "pending" | "delivered" | "failed";
            attempts: components["schemas"]["CallbackAttempt"][];
            /** Format: date-time */
            next_attempt_at: string | null;
            /** Format: date-time */
            delivered_at: string | null;
        };
        CallbackDeliveryList: {
            items: components["schemas"]["CallbackDelivery"][];
        };
        SimulationLog: {
            simulation_id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            /** @description The log's lines, oldest first (the last `tail` when it was given). */
            lines: string[];
            /** @description Lines were left out (by the per-run cap, or by `tail`). */
            truncated: boolean;
        };
        Result: components["schemas"]["ResultData"] & {
            simulation_id: string;
        };
        Simulation: {
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            fmu_id: string;
            fmu_sha256: string;
            /**
             * @description The result was served from an identical earlier run (free): the account's own, or for a library
             *     model anyone's.
             */
            cached: boolean;
            /** @description The canonical request with every default filled in. */
            request: Record<string, unknown>;
            kpis: {
                [key: string]: number | null;
            } | null;
            /**
             * @description FMU sha256, FMPy version, runner, solver settings, wall and CPU time, the sandbox's isolation
             *     layers. A sweep's case that ran in one sandbox with other cases of its sweep (one after the other,
             *     each its own FMU instance) says so in `batch` (`cases`, its `index` among them). A cached result
             *     (`cached: true`) is an earlier identical run's: of this account (`cached_from` names that
             *     simulation), or, for library models only, of any account (no `cached_from`).
             */
            provenance: Record<string, unknown> | null;
            error: components["schemas"]["SimulationError"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            started_at: string | null;
            /** Format: date-time */
            finished_at: string | null;
            /** @description Fraction of the simulated interval done. */
            progress?: number | null;
            result_url: string | null;
            /** @description The result data, inline in the answer to createSimulation when it succeeded. */
            result?: components["schemas"]["ResultData"] | null;
        };
        /** @description A simulation without its request, provenance or result (getSimulation has them). */
        SimulationSummary: {
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            fmu_id: string;
            fmu_sha256: string;
            cached: boolean;
            kpis: {
                [key: string]: number | null;
            } | null;
            error: components["schemas"]["SimulationError"] | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            started_at: string | null;
            /** Format: date-time */
            finished_at: string | null;
            progress?: number | null;
            /** @description The full simulation (getSimulation). */
            url: string;
            result_url: string | null;
        };
        SimulationList: {
            items: components["schemas"]["SimulationSummary"][];
        };
    };
    responses: {
        /** @description The request cannot be accepted (e.g. a webhook with a missing, bad or stale signature). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Not enough credits. Nothing was debited and nothing ran. The problem carries `price_credits`,
         *     `balance_credits`, `currency`, the credit packs and, when payments are enabled, a pay-per-run
         *     `checkout_url` and its `session_id`: pay, fetch the payment token from getCheckout, retry with it.
         */
        PaymentRequired: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Over the tier's request rate; nothing was admitted or charged. */
        RateLimited: {
            headers: {
                "Retry-After"?: string;
                "RateLimit-Policy"?: string;
                RateLimit?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Missing, malformed, unknown or revoked API key. */
        Unauthorized: {
            headers: {
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Not allowed on this resource (e.g. deleting a library model). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such resource in this account. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description None of the accepted media types can be produced. */
        NotAcceptable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The resource is not in a state that allows this (e.g. no result yet). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request body is above its limit (`request-too-large`, checked before it is parsed), the upload
         *     above the tier's limit (`fmu-too-large`), or the archive expands beyond its caps (`fmu-zip-bomb`).
         */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not of the expected media type. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request is not valid: a malformed parameter or body, an FMU that fails validation
         *     (`fmu-unsafe-path`, `fmu-symlink`, `fmu-invalid-model-description`, ...), or a simulation
         *     request that does not fit the model (`invalid-variable` names the variable).
         */
        ValidationFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The service cannot take simulations right now. */
        ServiceUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        KeyId: string;
        /**
         * @description Makes a POST that costs money safe to retry: the same key and body return the first response
         *     (header `Idempotent-Replayed: true`) and are charged once; the same key with another body is a 422.
         */
        IdempotencyKey: string;
        /** @description The sha256 of an uploaded FMU, or a library id such as `lib:BouncingBall` (FMI 3) or `lib:BouncingBall@fmi2`. */
        FmuId: string;
        SimulationId: string;
        SweepId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": unknown;
                };
            };
            401: components["responses"]["Unauthorized"];
        };
    };
    getOpenApiYaml: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": unknown;
                };
            };
        };
    };
    getOpenApiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An HTML page; its scripts and styles come from /docs/assets/ on this gateway. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                };
            };
        };
    };
    listProblemTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The problem types. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemTypeList"];
                    "text/html": unknown;
                };
            };
        };
    };
    getProblemType: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The problem type. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemType"];
                    "text/html": unknown;
                };
            };
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
        };
    };
    listKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Keys, oldest first. Secrets are never shown again. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["RateLimited"];
        };
    };
    createKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["KeyCreate"];
            };
        };
        responses: {
            /** @description The new key (shown only here). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyCreated"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: components["parameters"]["KeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revoked key. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Key"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    rotateKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: components["parameters"]["KeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new key (shown only here). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyCreated"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["RateLimited"];
        };
    };
    getPricing: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pricing document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pricing"];
                };
            };
        };
    };
    getAccount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["RateLimited"];
        };
    };
    createQuote: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimulationCreate"];
            };
        };
        responses: {
            /** @description The quote. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Quote"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createCheckout: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes a POST that costs money safe to retry: the same key and body return the first response
                 *     (header `Idempotent-Replayed: true`) and are charged once; the same key with another body is a 422.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CheckoutCreate"];
            };
        };
        responses: {
            /** @description Pay at checkout_url; the credits arrive when Stripe confirms the payment. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Checkout"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getCheckout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Checkout"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    receiveStripeWebhook: {
        parameters: {
            query?: never;
            header?: {
                "Stripe-Signature"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            /** @description Received (also for an event seen before). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookAck"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listLibraryModels: {
        parameters: {
            query?: {
                /** @description Words that must all appear in the id, name, description or tags (case-insensitive). */
                query?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Matching models, by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LibraryList"];
                };
            };
            422: components["responses"]["ValidationFailed"];
        };
    };
    listFmus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account's FMUs, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FmuList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["RateLimited"];
        };
    };
    uploadFmu: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description The .fmu archive.
                     */
                    file: Blob;
                };
            };
        };
        responses: {
            /** @description This account already had this FMU. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Fmu"];
                };
            };
            /** @description The FMU was validated and stored. */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Fmu"];
                };
            };
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getFmu: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sha256 of an uploaded FMU, or a library id such as `lib:BouncingBall` (FMI 3) or `lib:BouncingBall@fmi2`. */
                fmu_id: components["parameters"]["FmuId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The FMU. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Fmu"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    deleteFmu: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sha256 of an uploaded FMU, or a library id such as `lib:BouncingBall` (FMI 3) or `lib:BouncingBall@fmi2`. */
                fmu_id: components["parameters"]["FmuId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    listFmuVariables: {
        parameters: {
            query?: {
                /** @description Only variables of this causality (parameter, input, output, local, ...). */
                causality?: string;
                /** @description At most this many variables; `next_cursor` continues. */
                limit?: number;
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The sha256 of an uploaded FMU, or a library id such as `lib:BouncingBall` (FMI 3) or `lib:BouncingBall@fmi2`. */
                fmu_id: components["parameters"]["FmuId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Variables in model-description order, a page at a time. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VariableList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getFmuModelInfo: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sha256 of an uploaded FMU, or a library id such as `lib:BouncingBall` (FMI 3) or `lib:BouncingBall@fmi2`. */
                fmu_id: components["parameters"]["FmuId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description FMI version, interfaces, platforms, default experiment and more. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelInfo"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    listSimulations: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Simulation summaries (no request, inputs, provenance or result data: getSimulation has them). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimulationList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    createSimulation: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes a POST that costs money safe to retry: the same key and body return the first response
                 *     (header `Idempotent-Replayed: true`) and are charged once; the same key with another body is a 422.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
                /** @description A one-shot payment token from a paid pay-per-run checkout; pays for this run instead of credits. */
                "Payment-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimulationCreate"];
            };
        };
        responses: {
            /** @description The simulation has ended. */
            200: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Simulation"];
                };
            };
            /** @description Still queued or running; poll the Location. */
            202: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Simulation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["PaymentRequired"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getSimulation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The simulation (without result data). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Simulation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    cancelSimulation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The simulation after the request (cancelled, or still running while it stops). */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Simulation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getSimulationResult: {
        parameters: {
            query?: {
                /** @description Overrides content negotiation. */
                format?: "json" | "csv" | "arrow" | "parquet";
            };
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The result. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Result"];
                    "text/csv": unknown;
                    "application/vnd.apache.arrow.stream": unknown;
                    "application/vnd.apache.parquet": unknown;
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            406: components["responses"]["NotAcceptable"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getSimulationLog: {
        parameters: {
            query?: {
                /** @description Overrides content negotiation. */
                format?: "text" | "json";
                /** @description Only the last `tail` lines. */
                tail?: number;
            };
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": unknown;
                    "application/json": components["schemas"]["SimulationLog"];
                };
            };
            /** @description As text, an empty log (a cached result, a run not yet ended, a quiet model); as JSON it is 200 with no lines. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            406: components["responses"]["NotAcceptable"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    quoteSweep: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SweepCreate"];
            };
        };
        responses: {
            /** @description The quote. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepQuote"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createSweep: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes a POST that costs money safe to retry: the same key and body return the first response
                 *     (header `Idempotent-Replayed: true`) and are charged once; the same key with another body is a 422.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SweepCreate"];
            };
        };
        responses: {
            /** @description The sweep, admitted. */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Sweep"];
                };
            };
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["PaymentRequired"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getSweep: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sweep_id: components["parameters"]["SweepId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sweep. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Sweep"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    cancelSweep: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sweep_id: components["parameters"]["SweepId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sweep after the request. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Sweep"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getSweepResults: {
        parameters: {
            query?: {
                /** @description Overrides content negotiation. */
                format?: "json" | "csv";
            };
            header?: never;
            path: {
                sweep_id: components["parameters"]["SweepId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The table. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepTable"];
                    "text/csv": unknown;
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            406: components["responses"]["NotAcceptable"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    listSimulationCallbacks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: components["parameters"]["SimulationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deliveries (none when no callback_url was given), each with its attempts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallbackDeliveryList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    listSweepCallbacks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sweep_id: components["parameters"]["SweepId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deliveries (none when no callback_url was given), each with its attempts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallbackDeliveryList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getCallbackSecret: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The secret. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallbackSecret"];
                };
            };
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["RateLimited"];
        };
    };
    completeJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Whether the job passed its gate (model code ran); before it, a failure is the platform's. */
                    started: boolean;
                    exit_code?: number | null;
                    /** @description The isolation layers the job had. */
                    layers?: Record<string, unknown> | null;
                    /** @default false */
                    timed_out?: boolean;
                    /** @default false */
                    output_too_large?: boolean;
                    /** @default  */
                    log?: string;
                    error?: string | null;
                };
            };
        };
        responses: {
            /** @description The report was handed to the waiting run. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
