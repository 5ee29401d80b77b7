import { DataAwsEcrImage } from "@cdktf/provider-aws/lib/data-aws-ecr-image";
import { DataAwsDynamodbTableItem } from "@cdktf/provider-aws/lib/data-aws-dynamodb-table-item";
import { Fn, IResolvable, Op, TerraformLocal, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { AMI_ID_PATTERN, DIGEST_PATTERN } from "../../config/schema/image-references";
import { Colour, COLOURS, IDLE_IS_GREEN_AT_OR_BELOW } from "../../release/release-state";
import { RELEASE_ITEM, RELEASE_ITEM_KEY } from "../../release/release-store";

export interface ReleaseStateReaderProps {
  /** DynamoDB table whose release item holds the state (seeded by the registry stack, written by the release tool). */
  readonly tableName: string;
  /** Repository the digests must exist in. */
  readonly repositoryName: string;
  /** Largest idle capacity the state may ask for. */
  readonly maxCapacity: number;
}

/** The Terraform local the decoded state is kept in; every expression below reads it. */
const STATE = "local.release_state";

/**
 * The expressions the app stack derives from a release state kept in `local.release_state`
 * (weights, capacities, idle and live colour, image digest and AMI per colour), whatever the
 * state's source: the release item the release tool writes, or a release pinned by a DR restore.
 */
export abstract class ReleaseStateView extends Construct {
  private state!: TerraformLocal;
  private readonly images: Partial<Record<Colour, DataAwsEcrImage>> = {};

  constructor(
    scope: Construct,
    id: string,
    /** Repository the digests must exist in, and where the state comes from (for error messages). */
    private readonly source: { readonly repositoryName: string; readonly description: string },
  ) {
    super(scope, id);
  }

  /** Keeps the state (a Terraform value of the release state's shape) in the local; subclasses call it once. */
  protected keep(value: unknown): void {
    // Declared on the stack so the name stays `local.release_state`.
    this.state = new TerraformLocal(TerraformStack.of(this), "release_state", value);
  }

  /** Image digest a colour runs ("" before its first release). */
  digest(colour: Colour): string {
    return this.field(colour, "digest");
  }

  /** AMI id pinned for a colour by its last release. */
  amiId(colour: Colour): string {
    return this.field(colour, "amiId");
  }

  /** A token, not a "${...}" string: cdktf escapes raw expressions nested in function calls such as templatefile(). */
  private field(...path: string[]): string {
    return Token.asString(Fn.lookupNested(this.state.expression, path));
  }

  /** Listener weight of a colour: green gets greenTrafficPercent, blue the rest. */
  weight(colour: Colour): number {
    return Token.asNumber(`\${${this.weightExpression(colour)}}`);
  }

  /**
   * Instances of a colour: none before it has an image, `whenTakingTraffic` while it takes any
   * traffic, idleCapacity otherwise.
   */
  capacity(colour: Colour, whenTakingTraffic: number): number {
    return Token.asNumber(
      `\${${STATE}.${colour}.digest == "" ? 0 : (${this.weightExpression(colour)} > 0 ? ${whenTakingTraffic} : ${STATE}.idleCapacity)}`,
    );
  }

  /** The value belonging to the idle colour (idleColourOf in src/release/release-state.ts, as an expression). */
  forIdleColour(values: Readonly<Record<Colour, string>>): string {
    return Token.asString(Fn.conditional(this.greenIsIdle(), values.green, values.blue));
  }

  /** The value belonging to the live colour. */
  forLiveColour(values: Readonly<Record<Colour, string>>): string {
    return Token.asString(Fn.conditional(this.greenIsIdle(), values.blue, values.green));
  }

  private greenIsIdle() {
    return Op.lte(
      Token.asNumber(Fn.lookupNested(this.state.expression, ["greenTrafficPercent"])),
      IDLE_IS_GREEN_AT_OR_BELOW,
    );
  }

  /**
   * True once any colour has been released. Alarms on the live fleet take their actions from it:
   * before the first release there is no fleet, and they would page about its absence.
   */
  released(): IResolvable {
    return Token.asAny(`\${${STATE}.blue.digest != "" || ${STATE}.green.digest != ""}`);
  }

  /** Says why a fresh environment runs no instance. */
  fleetStatus(): string {
    return Token.asString(
      `\${${STATE}.blue.digest == "" && ${STATE}.green.digest == "" ? "${NO_IMAGE_STATUS}" : "serving"}`,
    );
  }

  /**
   * Looks the colour's image up in the registry at plan time (once the colour has a digest) and
   * returns the precondition that stops a deploy of a colour whose image is missing.
   */
  imagePresence(colour: Colour): { condition: string; errorMessage: string } {
    const image = (this.images[colour] ??= new DataAwsEcrImage(this, `${colour}-image`, {
      count: Token.asNumber(`\${${STATE}.${colour}.digest == "" ? 0 : 1}`),
      repositoryName: this.source.repositoryName,
      imageDigest: this.digest(colour),
    }));
    const reference = `data.aws_ecr_image.${image.friendlyUniqueId}`;
    return {
      condition: `\${${STATE}.${colour}.digest == "" || contains(${reference}[*].image_digest, ${STATE}.${colour}.digest)}`,
      errorMessage: `The ${colour} colour's image (${this.source.description}) is not in repository ${this.source.repositoryName}: push it with the image pipeline first (instances pull by digest), or release a digest that exists.`,
    };
  }

  // Plain Terraform expressions: cdktf's Op helpers render a literal 0 as "undefined".
  private weightExpression(colour: Colour): string {
    return colour === "green" ? `${STATE}.greenTrafficPercent` : `(100 - ${STATE}.greenTrafficPercent)`;
  }
}

/**
 * The app stack's view of the release state: one `aws_dynamodb_table_item` data source of the
 * release item, projected to the state (the lease stays out of the plan), decoded once. A plain
 * deploy or plan reads what the release tool wrote and can never change it.
 */
export class ReleaseStateReader extends ReleaseStateView {
  readonly item: DataAwsDynamodbTableItem;

  constructor(scope: Construct, id: string, props: ReleaseStateReaderProps) {
    const source = `${props.tableName} item ${RELEASE_ITEM_KEY.id.S}`;
    super(scope, id, { repositoryName: props.repositoryName, description: `release state in ${source}` });
    // The data source's item is the DynamoDB JSON of the attributes: {"state": {"S": "<release state JSON>"}}.
    const state = (item: string) => `jsondecode(jsondecode(${item}).${RELEASE_ITEM.state}.S)`;
    const value = (path: string) => `${state("self.item")}.${path}`;
    const whole = (path: string, max: number) =>
      `${value(path)} >= 0 && ${value(path)} <= ${max} && floor(${value(path)}) == ${value(path)}`;
    this.item = new DataAwsDynamodbTableItem(this, "item", {
      tableName: props.tableName,
      key: JSON.stringify(RELEASE_ITEM_KEY),
      // "state" is a DynamoDB reserved word, hence the placeholder.
      projectionExpression: "#state",
      expressionAttributeNames: { "#state": RELEASE_ITEM.state },
      lifecycle: {
        postcondition: [
          {
            condition: `\${${whole("greenTrafficPercent", 100)}}`,
            errorMessage: `${source}: greenTrafficPercent must be a whole number from 0 to 100.`,
          },
          {
            condition: `\${${whole("idleCapacity", props.maxCapacity)}}`,
            errorMessage: `${source}: idleCapacity must be a whole number from 0 to ${props.maxCapacity}.`,
          },
          ...COLOURS.map((colour) => ({
            condition: `\${(${value(`${colour}.digest`)} == "" || can(regex("${DIGEST_PATTERN}", ${value(`${colour}.digest`)}))) && can(regex("${AMI_ID_PATTERN}", ${value(`${colour}.amiId`)}))}`,
            errorMessage: `${source}: ${colour}.digest must be "" or sha256:<64 hex digits> and ${colour}.amiId an AMI id; only the release tool writes this item.`,
          })),
        ],
      },
    });
    this.keep(`\${${state(`data.aws_dynamodb_table_item.${this.item.friendlyUniqueId}.item`)}}`);
  }
}

/** What the app stack's fleet_status output says before the first release. */
export const NO_IMAGE_STATUS =
  "no image released yet: both colours run 0 instances; push an image and run npm run release";
