/**
 * An in-memory ElastiCache replication group, as far as AUTH tokens go. It models the documented
 * rules the rotation depends on:
 * - ModifyReplicationGroup is refused with InvalidReplicationGroupStateFault unless the group is
 *   `available` (creating, modifying, snapshotting, deleting ... all refuse):
 *   https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html (Errors)
 * - A token change is applied asynchronously: the group is `modifying` with
 *   PendingModifiedValues.AuthTokenStatus ROTATING/SETTING until it is done:
 *   https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ReplicationGroupPendingModifiedValues.html
 * - ROTATE adds the new token and keeps the previous one; SET leaves only the given token; SET is
 *   allowed only after ROTATE (a group without AUTH gets its first token with ROTATE, which keeps
 *   unauthenticated access open until SET); at most two tokens are accepted at once:
 *   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html#auth-modifyng-token
 *   The documentation does not say what a third ROTATE does to the oldest token, so this fake
 *   refuses it (InvalidParameterCombination) rather than guess: the rotation must never need it.
 * - Tokens are 16-128 printable ASCII characters without / " @ % (API reference, AuthToken).
 */
export class FakeElastiCache {
  status = "available";
  /** Live tokens, oldest first. */
  tokens: string[];
  /** Unauthenticated clients are let in (a group that got its first token by ROTATE, before SET). */
  openWithoutToken: boolean;
  readonly modifications: Array<"ROTATE" | "SET"> = [];
  /** Describe calls a pending token change takes to apply. */
  applyAfterDescribes = 2;
  private pending?: { strategy: "ROTATE" | "SET"; token: string; describesLeft: number };
  /** Status the group shows for the next n describes (a snapshot, a maintenance action). */
  private busy?: { status: string; describesLeft: number };
  /** The next n ModifyReplicationGroup calls find the group busy although describe said available. */
  raceOnNextModify = 0;

  constructor(
    readonly replicationGroupId: string,
    initialToken?: string,
  ) {
    this.tokens = initialToken ? [initialToken] : [];
    this.openWithoutToken = !initialToken;
  }

  busyFor(status: string, describes: number): void {
    this.busy = { status, describesLeft: describes };
  }

  /** What a client's AUTH gets: the Redis side of the group. */
  accepts(token: string): boolean {
    return this.tokens.includes(token);
  }

  async describeReplicationGroup(id: string) {
    this.check(id);
    if (this.pending && --this.pending.describesLeft <= 0) this.apply();
    if (this.busy && this.busy.describesLeft-- > 0)
      return { Status: this.busy.status, AuthTokenEnabled: this.tokens.length > 0, PendingModifiedValues: {} };
    return {
      Status: this.pending ? "modifying" : this.status,
      AuthTokenEnabled: this.tokens.length > 0,
      PendingModifiedValues: this.pending
        ? { AuthTokenStatus: this.pending.strategy === "ROTATE" ? "ROTATING" : "SETTING" }
        : {},
    };
  }

  async modifyAuthToken(id: string, token: string, strategy: "ROTATE" | "SET") {
    this.check(id);
    if (this.raceOnNextModify > 0) {
      this.raceOnNextModify--;
      throw fault("InvalidReplicationGroupStateFault", "Replication group must be in available state to modify.");
    }
    if (this.pending || this.status !== "available")
      throw fault("InvalidReplicationGroupStateFault", "Replication group must be in available state to modify.");
    if (!/^[\x21-\x7e]{16,128}$/.test(token) || /[/"@%]/.test(token))
      throw fault("InvalidParameterValueException", "Invalid AuthToken provided.");
    if (strategy === "SET" && this.tokens.length === 0)
      throw fault("InvalidParameterCombinationException", "SET is allowed only after ROTATE.");
    if (strategy === "ROTATE" && this.tokens.length >= 2 && !this.tokens.includes(token)) {
      throw fault("InvalidParameterCombinationException", "At most two AUTH tokens can be in use.");
    }
    this.modifications.push(strategy);
    this.pending = { strategy, token, describesLeft: this.applyAfterDescribes };
  }

  private apply(): void {
    const { strategy, token } = this.pending!;
    this.pending = undefined;
    if (strategy === "SET") {
      this.tokens = [token];
      this.openWithoutToken = false;
    } else if (!this.tokens.includes(token)) {
      this.tokens = [...this.tokens, token];
    }
  }

  private check(id: string): void {
    if (id !== this.replicationGroupId)
      throw fault("ReplicationGroupNotFoundFault", `Replication group ${id} not found.`);
  }
}

function fault(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}
