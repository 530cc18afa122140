/** Command-line options of `npm start` (the demo), validated once with messages that name the option. */
import { WeirError } from '../errors/weir-error';

export interface DemoOptions {
  /** Wide events to generate. */
  events: number;
  /** Event-time ms per wall-clock ms; `max` publishes as fast as the topology keeps up. */
  speed: number | 'max';
  seed: number;
  /** Days of event time the events are spread over. */
  days: number;
  services: number;
  operationsPerService: number;
  /** Status line every this many ms. */
  statusIntervalMs: number;
}

export const DEFAULT_DEMO_OPTIONS: DemoOptions = {
  // 12 services over a week give about 16 spans per service and 5-minute window: sparser traffic
  // makes the baselines' bands too wide for alerts to mean much (24 services: 1 of 4 incidents).
  events: 400_000,
  speed: 'max',
  seed: 7,
  days: 7,
  services: 12,
  operationsPerService: 3,
  statusIntervalMs: 500,
};

export const DEMO_USAGE = `usage: npm start -- [--events N] [--speed X|max] [--seed S] [--days D] [--services N] [--operations N]
  --events      wide events to generate (default ${DEFAULT_DEMO_OPTIONS.events})
  --speed       event-time speed-up over the wall clock, e.g. 20000 plays a week in about 30 s; max: as fast as the topology goes (default)
  --seed        generator seed; the same seed replays the same traffic and incidents (default ${DEFAULT_DEMO_OPTIONS.seed})
  --days        days of event time (default ${DEFAULT_DEMO_OPTIONS.days})
  --services    services in the call graph (default ${DEFAULT_DEMO_OPTIONS.services}); --operations per service (default ${DEFAULT_DEMO_OPTIONS.operationsPerService})`;

export function parseDemoOptions(argv: readonly string[]): DemoOptions | 'help' {
  const options = { ...DEFAULT_DEMO_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new WeirError('INVALID_CONFIG', `${flag} needs a value\n${DEMO_USAGE}`, { option: flag });
    switch (flag) {
      case '--events':
        options.events = integer(flag, value, 1, 100_000_000);
        break;
      case '--speed':
        options.speed = value === 'max' ? 'max' : positive(flag, value);
        break;
      case '--seed':
        options.seed = integer(flag, value, 0, 2 ** 31 - 1);
        break;
      case '--days':
        options.days = positive(flag, value);
        break;
      case '--services':
        options.services = integer(flag, value, 5, 1000);
        break;
      case '--operations':
        options.operationsPerService = integer(flag, value, 1, 100);
        break;
      default:
        throw new WeirError('INVALID_CONFIG', `unknown option ${flag}\n${DEMO_USAGE}`, { option: flag });
    }
  }
  return options;
}

function integer(option: string, text: string, min: number, max: number): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min || n > max) throw new WeirError('INVALID_CONFIG', `${option} must be an integer in [${min}, ${max}], got ${text}`, { option });
  return n;
}

function positive(option: string, text: string): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new WeirError('INVALID_CONFIG', `${option} must be a positive number or max, got ${text}`, { option });
  return n;
}
