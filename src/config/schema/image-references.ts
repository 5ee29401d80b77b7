/** An image digest as ECR reports it: the release state, the release tool and restore mode check it. */
export const DIGEST_PATTERN = "^sha256:[0-9a-f]{64}$";
/** An EC2 AMI id. */
export const AMI_ID_PATTERN = "^ami-[0-9a-f]{8,17}$";
