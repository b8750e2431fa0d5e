/**
 * Names for the contract's schemas (all generated in ./generated/openapi.ts from shared-specs/openapi.yaml).
 */
import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];

export type Account = Schemas["Account"];
export type Checkout = Schemas["Checkout"];
export type Fmu = Schemas["Fmu"];
export type KeyCreated = Schemas["KeyCreated"];
export type KpiSpec = Schemas["KpiSpec"];
export type LibraryModel = Schemas["LibraryModel"];
export type Problem = Schemas["Problem"];
export type Quote = Schemas["Quote"];
export type Result = Schemas["Result"];
export type ResultData = Schemas["ResultData"];
export type Simulation = Schemas["Simulation"];
export type SimulationCreate = Schemas["SimulationCreate"];

/** A simulation that succeeded, with its result data (inline from the gateway, or fetched). */
export type CompletedSimulation = Simulation & { status: "succeeded"; result: ResultData };
