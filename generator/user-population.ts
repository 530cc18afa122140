/**
 * Users who send the traffic: a skewed activity (a few heavy users, a long tail), a customer tier
 * and a home region per user, fixed by the seed. Some requests are anonymous.
 */
import { hashUnit } from './random';
import type { SeededRandom } from './random';

export const CUSTOMER_TIERS = ['free', 'pro', 'enterprise'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'] as const;
const REGION_CUMULATIVE = [0.4, 0.6, 0.88, 1];

export interface UserPopulationOptions {
  users: number;
  /** Share of enterprise and pro users (the rest are free). */
  enterpriseShare: number;
  proShare: number;
  /** Share of requests with no user (user_id null, tier free). */
  anonymousShare: number;
}

export const DEFAULT_USER_POPULATION: UserPopulationOptions = { users: 20_000, enterpriseShare: 0.05, proShare: 0.2, anonymousShare: 0.1 };

export interface DrawnUser {
  userId: string | null;
  tier: CustomerTier;
  region: string;
}

export class UserPopulation {
  private readonly ids: string[];
  private readonly tiers: CustomerTier[];
  private readonly regions: string[];

  constructor(
    private readonly options: UserPopulationOptions,
    seed: number,
  ) {
    const n = options.users;
    this.ids = new Array<string>(n);
    this.tiers = new Array<CustomerTier>(n);
    this.regions = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      this.ids[i] = `u-${(hashUnit(seed, i, 3) * 0xffffffff).toString(36)}-${i}`;
      const t = hashUnit(seed, i, 7);
      this.tiers[i] = t < options.enterpriseShare ? 'enterprise' : t < options.enterpriseShare + options.proShare ? 'pro' : 'free';
      this.regions[i] = regionFor(hashUnit(seed, i, 11));
    }
  }

  /** Writes the drawn user into `into` (reused by the caller to avoid an allocation per trace). */
  draw(random: SeededRandom, into: DrawnUser): DrawnUser {
    if (this.options.users === 0 || random.chance(this.options.anonymousShare)) {
      into.userId = null;
      into.tier = 'free';
      into.region = regionFor(random.next());
      return into;
    }
    // u^2 concentrates activity on low indexes: the first 10% of users send about a third of the requests.
    const u = random.next();
    const i = Math.floor(u * u * this.options.users);
    into.userId = this.ids[i];
    into.tier = this.tiers[i];
    into.region = this.regions[i];
    return into;
  }
}

function regionFor(u: number): string {
  for (let i = 0; i < REGION_CUMULATIVE.length; i++) if (u < REGION_CUMULATIVE[i]) return REGIONS[i];
  return REGIONS[REGIONS.length - 1];
}
