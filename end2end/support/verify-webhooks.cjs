// Verifies webhook deliveries with npm's `standardwebhooks`, a Standard
// Webhooks implementation independent of Roster's signer (used by
// server/tests/webhooks.rs). Reads a JSON array on stdin, each item
// {secret, headers, body}; prints a JSON array of the verified payloads, or
// exits with status 1 and the first failure's message.
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const verified = [];
  for (const [index, { secret, headers, body }] of JSON.parse(input).entries()) {
    try {
      verified.push(new Webhook(secret).verify(body, headers));
    } catch (error) {
      process.stderr.write(`delivery ${index}: ${error.message}\n`);
      process.exit(1);
    }
  }
  process.stdout.write(JSON.stringify(verified));
});
