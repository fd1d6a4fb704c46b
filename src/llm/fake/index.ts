export { startFakeServer, type FakeServer, type RecordedRequest } from './server.js';
export {
  parseScenario,
  loadScenarioFile,
  scenarioSchema,
  type FakeScenario,
  type FakeRule,
  type FakeMatch,
  type FakeReply,
  type FakeFault,
  type FakeToolCall,
  type TextMatch,
} from './scenario.js';
