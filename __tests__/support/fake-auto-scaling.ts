/**
 * In-memory Auto Scaling groups with instance refreshes, modelling the documented rules the
 * convergence function relies on:
 * - One refresh per group at a time: StartInstanceRefresh fails with InstanceRefreshInProgress
 *   while one is Pending, InProgress, Cancelling, RollbackInProgress or Baking
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html, Errors;
 *   https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html, Status).
 * - MinHealthyPercentage is 0-100, MaxHealthyPercentage 100-200, and they may differ by at most 100
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html).
 * - A refresh replaces every instance; replacements boot (and read their secrets) during it.
 * Time moves by describe calls: a refresh succeeds after `refreshDescribes` of them.
 */
export interface FakeInstance {
  readonly id: string;
  /** The secret value the instance read at boot. */
  readonly secret: string;
}

interface FakeRefresh {
  InstanceRefreshId: string;
  Status: string;
  StatusReason?: string;
  StartTime: Date;
  describesLeft: number;
  fail?: boolean;
}

export class FakeAutoScaling {
  readonly groups: Record<string, { desired: number; instances: FakeInstance[]; refreshes: FakeRefresh[] }> = {};
  readonly started: Array<{ group: string; preferences: object }> = [];
  refreshDescribes = 2;
  private ids = 0;

  constructor(
    /** What a booting instance reads from Secrets Manager. */
    private readonly secretAtBoot: () => string,
    private readonly now: () => number,
  ) {}

  addGroup(name: string, desired: number): void {
    this.groups[name] = { desired, instances: [], refreshes: [] };
    for (let index = 0; index < desired; index++) this.groups[name].instances.push(this.boot());
  }

  /** A refresh someone else started (a release), at the given time. */
  startedElsewhere(group: string, at: number, options: { fail?: boolean } = {}): string {
    const refresh = this.newRefresh(at, options.fail);
    this.groups[group].refreshes.unshift(refresh);
    return refresh.InstanceRefreshId;
  }

  async describeGroups(names: string[]) {
    return names
      .filter((name) => name in this.groups)
      .map((name) => ({ AutoScalingGroupName: name, DesiredCapacity: this.groups[name].desired }));
  }

  async startInstanceRefresh(
    group: string,
    preferences: { MinHealthyPercentage: number; MaxHealthyPercentage: number },
  ) {
    const { MinHealthyPercentage: min, MaxHealthyPercentage: max } = preferences;
    if (min < 0 || min > 100 || max < 100 || max > 200 || max - min > 100)
      throw fault("ValidationError", "Invalid refresh preferences.");
    if (this.groups[group].refreshes.some((refresh) => RUNNING.includes(refresh.Status))) {
      throw fault(
        "InstanceRefreshInProgress",
        "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.",
      );
    }
    this.started.push({ group, preferences });
    const refresh = this.newRefresh(this.now());
    this.groups[group].refreshes.unshift(refresh);
    return refresh.InstanceRefreshId;
  }

  async describeInstanceRefreshes(group: string) {
    for (const refresh of this.groups[group].refreshes) {
      if (RUNNING.includes(refresh.Status) && --refresh.describesLeft <= 0) this.finish(group, refresh);
    }
    return this.groups[group].refreshes.map(({ InstanceRefreshId, Status, StatusReason, StartTime }) => ({
      InstanceRefreshId,
      Status,
      StatusReason,
      StartTime,
    }));
  }

  private finish(group: string, refresh: FakeRefresh): void {
    if (refresh.fail) {
      refresh.Status = "Failed";
      refresh.StatusReason = "Instances failed to become healthy.";
      return;
    }
    // Replacements are launched and healthy before the old instances go (min healthy 100 %).
    this.groups[group].instances = this.groups[group].instances.map(() => this.boot());
    refresh.Status = "Successful";
  }

  private newRefresh(at: number, fail?: boolean): FakeRefresh {
    return {
      InstanceRefreshId: `refresh-${++this.ids}`,
      Status: "InProgress",
      StartTime: new Date(at),
      describesLeft: this.refreshDescribes,
      fail,
    };
  }

  private boot(): FakeInstance {
    return { id: `i-${++this.ids}`, secret: this.secretAtBoot() };
  }
}

const RUNNING = ["Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"];

function fault(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}
