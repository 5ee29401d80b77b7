import { execFileSync } from "child_process";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import {
  placeholdersOf,
  readUserDataTemplate,
  renderUserData,
  toTerraformTemplate,
  UserDataValues,
} from "../src/constructs/compute/user-data";
import { SYNTH_DIR } from "./support/synth";

const values: UserDataValues = {
  colour: "green",
  region: "eu-west-1",
  registry: "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
  repository_url: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/auth-service",
  image_digest: `sha256:${"c0".repeat(32)}`,
  db_secret_arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging/db-service-AbCdEf",
  redis_secret_arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging-redis/auth-token-AbCdEf",
  app_secret_arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging/app-AbCdEf",
  db_host: "auth-staging-postgres.abc.eu-west-1.rds.amazonaws.com",
  db_port: "5432",
  db_name: "auth",
  redis_host: "master.auth-staging-redis.abc.euw1.cache.amazonaws.com",
  redis_port: "6379",
  node_env: "staging",
  port: "3000",
  log_group: "/auth/staging/service",
  agent_config_parameter: "AmazonCloudWatch-auth-staging",
  otel_service_name: "auth-service",
  otel_exporter_endpoint: "http://172.17.0.1:4318",
  otel_sampling_ratio: "0.25",
  otel_resource_attributes: "deployment.environment=staging,service.namespace=auth-staging,deployment.colour=green",
};
const script = renderUserData(values);
const environmentFile = /cat > "\$ENV_FILE" <<ENVIRONMENT\n([\s\S]*?)\nENVIRONMENT/.exec(script)![1];
const environment = Object.fromEntries(
  environmentFile.split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);

describe("user data: the boot script", () => {
  test("is valid bash", () => {
    expect(() => execFileSync("bash", ["-n"], { input: script })).not.toThrow();
  });

  test("installs and starts Docker, logs in to ECR and pulls the colour's image by digest", () => {
    expect(script).toContain("dnf install -y docker jq");
    expect(script).toContain("systemctl enable --now docker");
    expect(script).toContain(`docker login --username AWS --password-stdin "$REGISTRY"`);
    expect(script).toContain(`IMAGE="${values.repository_url}@${values.image_digest}"`);
    expect(script).toContain(`docker pull "$IMAGE"`);
  });

  test("reads the db, redis and app secrets from Secrets Manager by ARN, with the instance role", () => {
    for (const arn of [values.db_secret_arn, values.redis_secret_arn, values.app_secret_arn])
      expect(script).toContain(`secret "${arn}"`);
    expect(script).toContain("aws secretsmanager get-secret-value");
    expect(script).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
  });

  test("passes the secrets, DB and Redis host and port, NODE_ENV, PORT=3000 and the OpenTelemetry exporter settings as environment variables", () => {
    expect(environment).toEqual({
      NODE_ENV: "staging",
      PORT: "3000",
      DB_HOST: values.db_host,
      DB_PORT: "5432",
      DB_NAME: "auth",
      DB_USER: '$(jq -r .username <<<"$DB_SECRET")',
      DB_PASSWORD: '$(jq -r .password <<<"$DB_SECRET")',
      DB_SSL: "verify-full",
      DB_SSL_ROOT_CERT: "$RDS_CA_IN_CONTAINER",
      PGSSLMODE: "verify-full",
      PGSSLROOTCERT: "$RDS_CA_IN_CONTAINER",
      REDIS_HOST: values.redis_host,
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
      REDIS_AUTH_TOKEN: '$(jq -r .auth_token <<<"$REDIS_SECRET")',
      OTEL_SERVICE_NAME: values.otel_service_name,
      OTEL_EXPORTER_OTLP_ENDPOINT: values.otel_exporter_endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: values.otel_sampling_ratio,
      OTEL_PROPAGATORS: "tracecontext,baggage",
      OTEL_RESOURCE_ATTRIBUTES: values.otel_resource_attributes,
      SIGNING_KEY: '$(jq -r .signing_key <<<"$APP_SECRET")',
      SESSION_SECRET: '$(jq -r .session_secret <<<"$APP_SECRET")',
      PREVIOUS_SIGNING_KEY: '$(jq -r .signing_key_previous <<<"$APP_SECRET")',
      NEXT_SIGNING_KEY: '$(jq -r .signing_key_next <<<"$APP_SECRET")',
      PREVIOUS_SESSION_SECRET: '$(jq -r .session_secret_previous <<<"$APP_SECRET")',
      NEXT_SESSION_SECRET: '$(jq -r .session_secret_next <<<"$APP_SECRET")',
    });
  });

  test("gives the container its region's RDS CA bundle, read-only, for verify-full", () => {
    expect(script).toContain(`RDS_CA_IN_CONTAINER=/etc/ssl/rds/ca-bundle.pem`);
    expect(script).toMatch(
      /curl --fail [^\n]*--proto '=https' [^\n]*"https:\/\/truststore\.pki\.rds\.amazonaws\.com\/\$REGION\/\$REGION-bundle\.pem"/,
    );
    expect(script.indexOf("truststore.pki.rds")).toBeLessThan(script.indexOf("docker run"));
    expect(script.slice(script.indexOf("docker run"))).toContain(`--volume "$RDS_CA:$RDS_CA_IN_CONTAINER:ro"`);
  });

  test("runs the container with a restart policy and the awslogs driver into the environment's log group", () => {
    const run = script.slice(script.indexOf("docker run"));
    expect(run).toContain("--restart unless-stopped");
    expect(run).toContain(`--env-file "$ENV_FILE"`);
    expect(run).toContain("--publish 3000:3000");
    expect(run).toContain("--log-driver awslogs");
    expect(run).toContain(`--log-opt awslogs-group="${values.log_group}"`);
    expect(run).toContain(`--log-opt awslogs-stream="green/$INSTANCE_ID"`);
  });

  test("holds no secret value: only ARNs, and the env file is root-only on tmpfs", () => {
    expect(script).toContain("umask 077");
    expect(script).toContain("ENV_FILE=/run/auth-service.env");
    for (const line of environmentFile.split("\n")) {
      if (/PASSWORD|TOKEN|KEY|SECRET/.test(line.split("=")[0])) expect(line).toMatch(/=\$\(jq -r \.\w+ <<<"\$\w+"\)$/);
    }
    expect(script).not.toMatch(/set -x/);
  });

  test("every placeholder is filled and no value is left unused", () => {
    expect(placeholdersOf(readUserDataTemplate()).sort()).toEqual(Object.keys(values).sort());
    expect(script).not.toMatch(/\{\{\w+\}\}/);
    expect(() => renderUserData({ ...values, extra: "x" } as UserDataValues)).toThrow(/was given/);
  });
});

describe("user data: the Terraform template shipped with the app stack", () => {
  test("escapes the script's own ${...} and %{...} and turns placeholders into template variables", () => {
    expect(toTerraformTemplate('echo "${@:2}" %{x} {{region}}')).toBe('echo "$${@:2}" %%{x} ${region}');
  });

  test.each(["staging", "production"])("is the file the %s app stack references", (env) => {
    const assets = join(SYNTH_DIR, "stacks", `auth-${env}-app`, "assets");
    const [folder] = readdirSync(assets).filter((name) => name.startsWith("user-data"));
    const [hash] = readdirSync(join(assets, folder));
    const [file] = readdirSync(join(assets, folder, hash));
    expect(readFileSync(join(assets, folder, hash, file), "utf8")).toBe(toTerraformTemplate(readUserDataTemplate()));
    const stack = readFileSync(join(SYNTH_DIR, "stacks", `auth-${env}-app`, "cdk.tf.json"), "utf8");
    expect(stack).toContain(`templatefile(\\"assets/${folder}/${hash}/${file}\\"`);
    expect(stack).not.toMatch(/random_password|secret_string/);
  });
});
