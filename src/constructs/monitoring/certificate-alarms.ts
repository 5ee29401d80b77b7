import { AlarmDefinition, thresholdDefinition } from "./alarm-factory";

/** Days before expiry at which a certificate alarms: ACM starts renewing 60 days out, so by 30 renewal has failed. */
export const CERTIFICATE_EXPIRY_ALARM_DAYS = 30;

export interface CertificateExpiryAlarmProps {
  /** Suffix of the alarm name, e.g. "certificate". */
  readonly name: string;
  /** ARN of the certificate, in the region of the stack that alarms on it (the metric is regional). */
  readonly certificateArn: string;
  /** What the certificate serves, for the description. */
  readonly purpose: string;
}

/**
 * DaysToExpiry of one ACM certificate (AWS/CertificateManager, dimension CertificateArn, published
 * once a day: https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html). ACM stops
 * publishing it once the certificate has expired, so a missing day counts as breaching: silence
 * must never look like health.
 */
export function certificateExpiryAlarmDefinition(props: CertificateExpiryAlarmProps): AlarmDefinition {
  return {
    ...thresholdDefinition({
      name: props.name,
      description: `The ${props.purpose} certificate expires in ${CERTIFICATE_EXPIRY_ALARM_DAYS} days or less, or has expired: ACM did not renew it`,
      runbook: "certificate-expiry",
      namespace: "AWS/CertificateManager",
      metricName: "DaysToExpiry",
      dimensions: { CertificateArn: props.certificateArn },
      statistic: "Minimum",
      periodSeconds: 86_400,
      evaluationPeriods: 1,
      threshold: CERTIFICATE_EXPIRY_ALARM_DAYS,
      breachWhen: "below",
      treatMissingData: "breaching",
    }),
    comparisonOperator: "LessThanOrEqualToThreshold",
  };
}
