import { APP_AMI_ARCHITECTURE, CACHE_NODE_TYPES, DB_INSTANCE_CLASSES, INSTANCE_TYPES, unknownName } from "./catalogue";
import type { EnvironmentConfig, IssueReporter } from "./schema";

/** Instance types, DB classes and cache node types come from the catalogue and support what the config asks of them. */
export function checkCatalogue(config: EnvironmentConfig, issue: IssueReporter): void {
  const { app, data } = config;
  const instance = INSTANCE_TYPES[app.instanceType];
  if (!instance) issue(["app", "instanceType"], unknownName("EC2 instance type", app.instanceType, Object.keys(INSTANCE_TYPES)));
  else if (instance.architecture !== APP_AMI_ARCHITECTURE) {
    issue(["app", "instanceType"], `${app.instanceType} is ${instance.architecture}, but the app's AMI is ${APP_AMI_ARCHITECTURE}`);
  }

  const dbClass = DB_INSTANCE_CLASSES[data.postgres.instanceClass];
  if (!dbClass) issue(["data", "postgres", "instanceClass"], unknownName("RDS instance class", data.postgres.instanceClass, Object.keys(DB_INSTANCE_CLASSES)));
  else {
    if (data.postgres.performanceInsights && !dbClass.performanceInsights) {
      issue(["data", "postgres", "performanceInsights"], `${data.postgres.instanceClass} does not support Performance Insights`);
    }
    if (!dbClass.encryption) issue(["data", "postgres", "instanceClass"], `${data.postgres.instanceClass} does not support storage encryption`);
  }

  const node = CACHE_NODE_TYPES[data.redis.nodeType];
  if (!node) issue(["data", "redis", "nodeType"], unknownName("ElastiCache node type", data.redis.nodeType, Object.keys(CACHE_NODE_TYPES)));
  else {
    if (data.redis.clusterMode && !node.clusterMode) issue(["data", "redis", "clusterMode"], `${data.redis.nodeType} does not support cluster mode`);
    if (!node.encryption) issue(["data", "redis", "nodeType"], `${data.redis.nodeType} does not support encryption at rest and in transit`);
  }
}
