/** Public entry point of the local Salesforce emulator (used by end-to-end tests and the demo). */
export { startEmulator, DEFAULT_CLIENT } from './emulator.js';
export type { Emulator, EmulatorOptions } from './emulator.js';
export type { EmulatorClient } from './oauth.js';
export { EMULATOR_USERNAME } from './oauth.js';
export { jwtKeys, type JwtKeys } from './jwt-keys.js';
export type { SObjectName } from './field-catalog.js';
export type { RequestLogEntry } from './server.js';
export { FAULT_KINDS } from './faults.js';
export type { FaultKind, FaultOptions } from './faults.js';
export type {
  Misbehaviour,
  MisbehaviourKind,
  MisbehaviourTarget,
  TransportMisbehaviour,
  PageAlteration,
  BulkResultsAlteration,
  JobAlteration,
} from './misbehaviour.js';
export { startCaptureServer, CAPTURED_TOKEN } from './capture-server.js';
export type { CaptureServer, CapturedRequest } from './capture-server.js';
