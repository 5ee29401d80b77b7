import { Fn, Op, TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";

export type Colour = "blue" | "green";
export const COLOURS: readonly Colour[] = ["blue", "green"];

/** Docker's tag grammar: what `docker tag` accepts. */
export const IMAGE_TAG_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";

export interface ReleaseVariablesProps {
  /** Defaults of the variables: what a plain deploy keeps running. */
  readonly defaults: {
    readonly blueImageTag: string;
    readonly greenImageTag: string;
    readonly greenTrafficPercent: number;
    readonly idleCapacity: number;
  };
  /** Largest capacity the idle colour may be given. */
  readonly maxCapacity: number;
}

/**
 * The release settings as Terraform variables of the stack (`blue_image_tag`, `green_image_tag`,
 * `green_traffic_percent`, `idle_capacity`), so `cdktf deploy --var` or Terraform Cloud workspace
 * variables drive a blue/green release without a code change. Everything that depends on them
 * (weights, which colour is idle, capacities) is a Terraform expression derived here.
 */
export class ReleaseVariables extends Construct {
  readonly imageTag: Readonly<Record<Colour, string>>;
  readonly greenTrafficPercent: TerraformVariable;
  readonly idleCapacity: TerraformVariable;

  constructor(scope: Construct, id: string, props: ReleaseVariablesProps) {
    super(scope, id);
    // Declared on the stack itself so their names stay exactly as documented.
    const stack = TerraformStack.of(this);
    const imageTag = (colour: Colour, fallback: string) => {
      const variable = new TerraformVariable(stack, `${colour}_image_tag`, {
        type: "string",
        default: fallback,
        description: `Image tag the ${colour} servers run`,
        validation: [
          {
            condition: `\${can(regex("${IMAGE_TAG_PATTERN}", var.${colour}_image_tag))}`,
            errorMessage: `${colour}_image_tag must be a Docker image tag (${IMAGE_TAG_PATTERN}).`,
          },
        ],
      });
      return variable.stringValue;
    };
    this.imageTag = { blue: imageTag("blue", props.defaults.blueImageTag), green: imageTag("green", props.defaults.greenImageTag) };
    this.greenTrafficPercent = new TerraformVariable(stack, "green_traffic_percent", {
      type: "number",
      default: props.defaults.greenTrafficPercent,
      description: "Share of HTTPS traffic sent to green, 0-100; blue gets the rest",
      validation: [
        {
          condition: "${var.green_traffic_percent >= 0 && var.green_traffic_percent <= 100 && floor(var.green_traffic_percent) == var.green_traffic_percent}",
          errorMessage: "green_traffic_percent must be a whole number from 0 to 100.",
        },
      ],
    });
    this.idleCapacity = new TerraformVariable(stack, "idle_capacity", {
      type: "number",
      default: props.defaults.idleCapacity,
      description: "Instances of the colour that takes no traffic (full capacity while a release is smoke-tested, 0 after)",
      validation: [
        {
          condition: `\${var.idle_capacity >= 0 && var.idle_capacity <= ${props.maxCapacity} && floor(var.idle_capacity) == var.idle_capacity}`,
          errorMessage: `idle_capacity must be a whole number from 0 to ${props.maxCapacity}.`,
        },
      ],
    });
  }

  /** Listener weight of a colour: green gets green_traffic_percent, blue the rest. */
  weight(colour: Colour): number {
    return Token.asNumber(`\${${this.weightExpression(colour)}}`);
  }

  /** `whenTakingTraffic` for a colour with any traffic, idle_capacity for one without. */
  capacity(colour: Colour, whenTakingTraffic: number): number {
    return Token.asNumber(`\${${this.weightExpression(colour)} > 0 ? ${whenTakingTraffic} : var.idle_capacity}`);
  }

  /**
   * The value belonging to the idle colour: the one with less traffic (green on a tie), which is
   * where a release is smoke-tested before traffic moves.
   */
  forIdleColour(values: Readonly<Record<Colour, string>>): string {
    return Token.asString(Fn.conditional(this.greenAtMostHalf(), values.green, values.blue));
  }

  /** The value belonging to the live colour: the one with more traffic (blue on a tie). */
  forLiveColour(values: Readonly<Record<Colour, string>>): string {
    return Token.asString(Fn.conditional(this.greenAtMostHalf(), values.blue, values.green));
  }

  private greenAtMostHalf() {
    return Op.lte(this.greenTrafficPercent.numberValue, 50);
  }

  // Plain Terraform expressions: cdktf's Op helpers render a literal 0 as "undefined".
  private weightExpression(colour: Colour): string {
    return colour === "green" ? "var.green_traffic_percent" : "(100 - var.green_traffic_percent)";
  }
}
