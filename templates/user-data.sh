#!/bin/bash
# Boots one {{colour}} instance of the auth service (Amazon Linux 2023): installs Docker, pulls
# the {{colour}} image from ECR, reads the service's secrets from Secrets Manager with the
# instance role, and runs the container with them as environment variables.
# Placeholders in double braces are filled in at synth time; no secret value is ever in here.
set -euo pipefail

REGION="{{region}}"
REGISTRY="{{registry}}"
# By digest: an instance runs exactly the image that was scanned and released, never a moved tag.
IMAGE="{{repository_url}}@{{image_digest}}"

dnf install -y docker jq amazon-cloudwatch-agent
systemctl enable --now docker

# The CloudWatch agent (its configuration is the SSM parameter): memory, disk and per-process
# metrics, and an OTLP receiver on the Docker bridge that sends the container's traces to X-Ray.
# Started after Docker, whose bridge address the receiver listens on, now and at every boot.
install -d -m 0755 /etc/systemd/system/amazon-cloudwatch-agent.service.d
printf '[Unit]\nAfter=docker.service\nWants=docker.service\n' > /etc/systemd/system/amazon-cloudwatch-agent.service.d/after-docker.conf
systemctl daemon-reload
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "ssm:{{agent_config_parameter}}"

aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"
docker pull "$IMAGE"

secret() {
  aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --query SecretString --output text "${@:2}"
}
DB_SECRET="$(secret "{{db_secret_arn}}")"
REDIS_SECRET="$(secret "{{redis_secret_arn}}")"
# The app secret holds key rings: sign with the current key, accept previous, current and next, so
# instances that booted on either side of a rotation accept each other's signatures.
APP_SECRET="$(secret "{{app_secret_arn}}")"

# The RDS CA bundle of this region, so the service verifies the database's certificate and name
# (verify-full; https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html).
RDS_CA=/etc/auth-service/rds-ca-bundle.pem
RDS_CA_IN_CONTAINER=/etc/ssl/rds/ca-bundle.pem
install -d -m 0755 /etc/auth-service
curl --fail --silent --show-error --proto '=https' --tlsv1.2 --retry 5 --output "$RDS_CA" "https://truststore.pki.rds.amazonaws.com/$REGION/$REGION-bundle.pem"

# The environment file lives on tmpfs, readable by root only, and is never logged.
umask 077
ENV_FILE=/run/auth-service.env
cat > "$ENV_FILE" <<ENVIRONMENT
NODE_ENV={{node_env}}
PORT={{port}}
DB_HOST={{db_host}}
DB_PORT={{db_port}}
DB_NAME={{db_name}}
DB_USER=$(jq -r .username <<<"$DB_SECRET")
DB_PASSWORD=$(jq -r .password <<<"$DB_SECRET")
DB_SSL=verify-full
DB_SSL_ROOT_CERT=$RDS_CA_IN_CONTAINER
PGSSLMODE=verify-full
PGSSLROOTCERT=$RDS_CA_IN_CONTAINER
REDIS_HOST={{redis_host}}
REDIS_PORT={{redis_port}}
REDIS_TLS=true
REDIS_AUTH_TOKEN=$(jq -r .auth_token <<<"$REDIS_SECRET")
OTEL_SERVICE_NAME={{otel_service_name}}
OTEL_EXPORTER_OTLP_ENDPOINT={{otel_exporter_endpoint}}
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
OTEL_TRACES_EXPORTER=otlp
OTEL_TRACES_SAMPLER=parentbased_traceidratio
OTEL_TRACES_SAMPLER_ARG={{otel_sampling_ratio}}
OTEL_PROPAGATORS=tracecontext,baggage
OTEL_RESOURCE_ATTRIBUTES={{otel_resource_attributes}}
SIGNING_KEY=$(jq -r .signing_key <<<"$APP_SECRET")
SESSION_SECRET=$(jq -r .session_secret <<<"$APP_SECRET")
PREVIOUS_SIGNING_KEY=$(jq -r .signing_key_previous <<<"$APP_SECRET")
NEXT_SIGNING_KEY=$(jq -r .signing_key_next <<<"$APP_SECRET")
PREVIOUS_SESSION_SECRET=$(jq -r .session_secret_previous <<<"$APP_SECRET")
NEXT_SESSION_SECRET=$(jq -r .session_secret_next <<<"$APP_SECRET")
ENVIRONMENT
unset DB_SECRET REDIS_SECRET APP_SECRET

INSTANCE_ID="$(ec2-metadata --instance-id | cut -d ' ' -f 2)"
docker run --detach --name auth-service --restart unless-stopped \
  --env-file "$ENV_FILE" \
  --volume "$RDS_CA:$RDS_CA_IN_CONTAINER:ro" \
  --publish {{port}}:{{port}} \
  --log-driver awslogs \
  --log-opt awslogs-region="$REGION" \
  --log-opt awslogs-group="{{log_group}}" \
  --log-opt awslogs-stream="{{colour}}/$INSTANCE_ID" \
  "$IMAGE"
