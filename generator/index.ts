/** Synthetic wide-event traffic with injectable scenarios and ground truth (demo, bench, evaluation). */
export { TrafficGenerator, type TrafficGeneratorOptions, type TimelineRecord } from './traffic-generator';
export { ServiceGraph, type ServiceSpec, type OperationSpec, type Call } from './service-graph';
export type {
  Scenario,
  LatencyIncidentScenario,
  ErrorBurstScenario,
  DeploymentScenario,
  CascadingFailureScenario,
  MaintenanceScenario,
  SaleScenario,
  NoisyDayScenario,
  GroundTruth,
  GroundTruthIncident,
  GroundTruthQuietPeriod,
  IncidentKind,
  IncidentScope,
} from './scenario';
export { scenarioOf, pickService, standardWeek, SCENARIO_KINDS, type ScenarioKind, type ScenarioAt } from './scenario-plan';
export { SeededRandom } from './random';
export { CUSTOMER_TIERS, REGIONS, type CustomerTier } from './user-population';
export { DEFAULT_LOAD_PROFILE, type LoadProfileOptions } from './load-profile';
