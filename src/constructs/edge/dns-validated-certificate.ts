import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";

export interface DnsValidatedCertificateProps {
  /** Main name on the certificate. */
  readonly domainName: string;
  /** More names on the same certificate. @default none */
  readonly alternativeNames?: string[];
  /** Public hosted zone that holds the validation records. */
  readonly hostedZoneId: string;
}

/**
 * An ACM certificate validated through Route 53. The validation records come from the
 * certificate's domain_validation_options, which are only known after apply, so they are
 * created with for_each over that set; consumers use `certificateArn`, which is only known once
 * validation has finished, so a listener never gets a pending certificate.
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  /** ARN of the validated certificate (waits for validation). */
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    this.certificate = new AcmCertificate(this, "certificate", {
      domainName: props.domainName,
      subjectAlternativeNames: props.alternativeNames,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      lifecycle: { createBeforeDestroy: true },
    });
    const option = TerraformIterator.fromComplexList(this.certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, "validation-record", {
      forEach: option,
      zoneId: props.hostedZoneId,
      name: option.getString("resource_record_name"),
      type: option.getString("resource_record_type"),
      records: [option.getString("resource_record_value")],
      ttl: 60,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, "validation", {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(`\${[for record in ${records.fqn} : record.fqdn]}`),
    });
    this.certificateArn = validation.certificateArn;
  }
}
