// Validates an OpenAPI document with npm's `@apidevtools/swagger-parser`,
// a validator independent of utoipa, which generated it (used by
// server/tests/api_v1.rs). Reads the document on stdin; exits with status 0
// and prints the operations it found, or exits with status 1 and the
// validator's message.
const SwaggerParser = require("@apidevtools/swagger-parser");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  try {
    // validate() checks the document against the OpenAPI 3.1 schema, resolves
    // every $ref, and checks that path parameters are declared and unique.
    const api = await SwaggerParser.validate(JSON.parse(input));
    const operations = [];
    for (const [path, item] of Object.entries(api.paths ?? {})) {
      for (const method of Object.keys(item)) operations.push(`${method.toUpperCase()} ${path}`);
    }
    process.stdout.write(JSON.stringify(operations));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
});
