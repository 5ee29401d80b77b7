// @ts-check
"use strict";
// Synthetics entry point (handler canary.handler): a run fails when the handler throws, and
// Synthetics then publishes SuccessPercent 0 for it
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_WritingCanary_Nodejs.html).
const { probe, targetFromEnvironment } = require("./probe");

exports.handler = async () => {
  const steps = await probe(targetFromEnvironment(process.env));
  // Step names only: no response body, header or credential reaches the log.
  console.log(JSON.stringify({ passed: steps }));
  return steps;
};
