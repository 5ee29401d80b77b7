import type { AlarmDefinition } from "./alarm-factory";
import { alarmGraph, DashboardWidget, metricGraph, metricRow } from "./dashboard";
import { CIS_METRIC_FILTERS, CIS_NAMESPACE } from "../../compliance/filter-patterns";

export interface SecurityEventWidgetsProps {
  /** Prefix of the alarm names, e.g. auth-production. */
  readonly alarmPrefix: string;
  /** Region the widgets' metrics are read in. */
  readonly region: string;
  /** The security alarms of the service and the database (sign-ins, WAF rules, failed logins), each charted with its threshold. */
  readonly alarms: readonly AlarmDefinition[];
}

/**
 * The dashboard's security events beyond the WAF totals: a graph per security alarm (failed
 * sign-ins, lockouts, blocks per WAF rule, PostgreSQL failed logins) from its own definition, and
 * the CIS counts of the account's trail, which the security stack publishes in the same account
 * and region.
 */
export function securityEventWidgets(props: SecurityEventWidgetsProps): DashboardWidget[] {
  const { region } = props;
  return [
    ...props.alarms.map((definition) => alarmGraph(definition, `${props.alarmPrefix}-${definition.name}`, region)),
    metricGraph({
      title: "Account activity (CIS metric filters on the trail)",
      region,
      stat: "Sum",
      period: 300,
      metrics: CIS_METRIC_FILTERS.map((filter) =>
        metricRow(CIS_NAMESPACE, filter.metricName, {}, { label: filter.metricName }),
      ),
    }),
  ];
}
