import { APP_AMI_ARCHITECTURE, Catalogue, CATALOGUE, unknownName } from "../schema/catalogue";
import { performanceInsightsProblem } from "./combination-rules";
import type { IssueReporter } from "./issue-reporter";
import type { EnvironmentConfig } from "../schema/schema";

/** Instance types, DB classes and cache node types come from the catalogue and support what the config asks of them. */
export function checkCatalogue(
  config: EnvironmentConfig,
  issue: IssueReporter,
  catalogue: Catalogue = CATALOGUE,
): void {
  const { app, data } = config;
  const { instanceTypes, dbInstanceClasses, cacheNodeTypes } = catalogue;
  const instance = instanceTypes[app.instanceType];
  if (!instance)
    issue(["app", "instanceType"], unknownName("EC2 instance type", app.instanceType, Object.keys(instanceTypes)));
  else if (instance.architecture !== APP_AMI_ARCHITECTURE) {
    issue(
      ["app", "instanceType"],
      `${app.instanceType} is ${instance.architecture}, but the app's AMI is ${APP_AMI_ARCHITECTURE}`,
    );
  }

  const dbClass = dbInstanceClasses[data.postgres.instanceClass];
  if (!dbClass)
    issue(
      ["data", "postgres", "instanceClass"],
      unknownName("RDS instance class", data.postgres.instanceClass, Object.keys(dbInstanceClasses)),
    );
  else {
    const insights = performanceInsightsProblem(
      data.postgres.instanceClass,
      data.postgres.performanceInsights,
      dbInstanceClasses,
    );
    if (insights) issue(["data", "postgres", "performanceInsights"], insights);
    if (!dbClass.encryption)
      issue(
        ["data", "postgres", "instanceClass"],
        `${data.postgres.instanceClass} does not support storage encryption`,
      );
  }

  const node = cacheNodeTypes[data.redis.nodeType];
  if (!node)
    issue(
      ["data", "redis", "nodeType"],
      unknownName("ElastiCache node type", data.redis.nodeType, Object.keys(cacheNodeTypes)),
    );
  else {
    if (data.redis.clusterMode && !node.clusterMode)
      issue(["data", "redis", "clusterMode"], `${data.redis.nodeType} does not support cluster mode`);
    if (!node.encryption)
      issue(["data", "redis", "nodeType"], `${data.redis.nodeType} does not support encryption at rest and in transit`);
  }
}
