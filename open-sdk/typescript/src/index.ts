/**
 * @fmu-gateway/sdk: simulate FMI 2.0 and 3.0 FMUs on an FMU Gateway, from Node 20+ and browsers.
 * The public surface is this list (test/exports.test.ts pins it).
 */
export {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  GatewayError,
  InvalidRequestError,
  NotFoundError,
  PaymentNotCompleted,
  PaymentRequired,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  SimulationFailed,
} from "./errors.js";
export { CONTRACT_VERSION, Gateway, VERSION } from "./gateway.js";
export type {
  GatewayOptions,
  PayForRunOptions,
  ResultFormat,
  SimulateOptions,
  WaitForPaymentOptions,
} from "./gateway.js";
export type { paths, components, operations } from "./generated/openapi.js";
export type {
  Account,
  Checkout,
  CompletedSimulation,
  Fmu,
  KeyCreated,
  KpiSpec,
  LibraryModel,
  Problem,
  Quote,
  Result,
  ResultData,
  Simulation,
  SimulationCreate,
} from "./types.js";
