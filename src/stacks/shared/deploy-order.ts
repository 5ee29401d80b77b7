import { App, TerraformStack } from "cdktf";

/**
 * The app's stacks in an order that deploys every stack after the stacks it reads from
 * (its cdktf dependencies), keeping the order they were added in where dependencies allow.
 */
export function deployOrder(app: App): TerraformStack[] {
  const stacks = app.node.children.filter((child): child is TerraformStack => child instanceof TerraformStack);
  const ordered: TerraformStack[] = [];
  const visiting = new Set<TerraformStack>();
  const visit = (stack: TerraformStack) => {
    if (ordered.includes(stack)) return;
    if (visiting.has(stack)) throw new Error(`stack dependency cycle through ${stack.node.id}`);
    visiting.add(stack);
    for (const dependency of stack.dependencies as TerraformStack[]) visit(dependency);
    visiting.delete(stack);
    ordered.push(stack);
  };
  stacks.forEach(visit);
  return ordered;
}
