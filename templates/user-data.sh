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

dnf install -y docker jq
systemctl enable --now docker

aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"
docker pull "$IMAGE"

secret() {
  aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --query SecretString --output text "${@:2}"
}
DB_SECRET="$(secret "{{db_secret_arn}}")"
REDIS_SECRET="$(secret "{{redis_secret_arn}}")"
APP_SECRET="$(secret "{{app_secret_arn}}")"
# After a rotation the previous app secret still verifies what it signed.
APP_SECRET_PREVIOUS="$(secret "{{app_secret_arn}}" --version-stage AWSPREVIOUS 2>/dev/null || echo "$APP_SECRET")"

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
DB_SSL=require
REDIS_HOST={{redis_host}}
REDIS_PORT={{redis_port}}
REDIS_TLS=true
REDIS_AUTH_TOKEN=$(jq -r .auth_token <<<"$REDIS_SECRET")
SIGNING_KEY=$(jq -r .signing_key <<<"$APP_SECRET")
SESSION_SECRET=$(jq -r .session_secret <<<"$APP_SECRET")
PREVIOUS_SIGNING_KEY=$(jq -r .signing_key <<<"$APP_SECRET_PREVIOUS")
PREVIOUS_SESSION_SECRET=$(jq -r .session_secret <<<"$APP_SECRET_PREVIOUS")
ENVIRONMENT
unset DB_SECRET REDIS_SECRET APP_SECRET APP_SECRET_PREVIOUS

INSTANCE_ID="$(ec2-metadata --instance-id | cut -d ' ' -f 2)"
docker run --detach --name auth-service --restart unless-stopped \
  --env-file "$ENV_FILE" \
  --publish {{port}}:{{port}} \
  --log-driver awslogs \
  --log-opt awslogs-region="$REGION" \
  --log-opt awslogs-group="{{log_group}}" \
  --log-opt awslogs-stream="{{colour}}/$INSTANCE_ID" \
  "$IMAGE"
