import { Aspects, IAspect, TerraformDataSource, TerraformProvider, TerraformResource } from "cdktf";
import { Construct, IConstruct } from "constructs";

/** Gives every resource and data source that names no provider the scope's provider. */
class UseProvider implements IAspect {
  constructor(private readonly provider: TerraformProvider) {}

  visit(node: IConstruct): void {
    if ((node instanceof TerraformResource || node instanceof TerraformDataSource) && !node.provider)
      node.provider = this.provider;
  }
}

/**
 * A scope whose resources live in another region: everything created under it uses the given
 * provider (an alias), so a construct written for the stack's region, such as StateBucket,
 * is reused in the DR region unchanged instead of growing a provider prop on every resource.
 */
export class RegionScope extends Construct {
  constructor(
    scope: Construct,
    id: string,
    readonly provider: TerraformProvider,
  ) {
    super(scope, id);
    Aspects.of(this).add(new UseProvider(provider));
  }
}
