// ci/better-auth/server.mjs - a real Better Auth issuer on loopback, for CI interop
// tests (JWKS verification of Better Auth JWTs). TEST-ONLY: in-memory storage,
// everything is lost when the process exits. Normally started by ci/better-auth.sh.
//
//   BETTER_AUTH_SECRET=<32+ chars> [PORT=3000] [BASE_URL=...] [JWT_EXPIRATION=15m] \
//     [JWT_ALG=EdDSA|ES256|ES512|RS256|PS256] [JWKS_ROTATION_INTERVAL=s] [JWKS_GRACE_PERIOD=s] node server.mjs
//
// Config: memory adapter, emailAndPassword, jwt() (defaults: EdDSA/Ed25519, 15 min,
// iss = aud = baseURL, no key rotation; JWT_ALG picks the key pair's algorithm, the
// JWKS_* variables turn on rotation) and bearer() plugins, telemetry and rate limiting off (the
// suite signs up many users from 127.0.0.1; the limiter is on when NODE_ENV=production).
// Routes: /api/auth/* (sign-up/email, sign-in/email, token, jwks, get-session, ...).
import http from "node:http";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { toNodeHandler } from "better-auth/node";
import { bearer, jwt } from "better-auth/plugins";

const HOST = "127.0.0.1";
const PORT = Number(process.env.PORT || 3000);
const BASE_URL = process.env.BASE_URL || `http://${HOST}:${PORT}`;
const SECRET = process.env.BETTER_AUTH_SECRET || "";

function fail(msg) {
  console.error(`better-auth server: ${msg}`);
  process.exit(1);
}
if (!SECRET) fail("BETTER_AUTH_SECRET is not set (need at least 32 characters)");
if (SECRET.length < 32) {
  fail(`BETTER_AUTH_SECRET is too short: ${SECRET.length} characters, need at least 32`);
}
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) fail(`invalid PORT: ${process.env.PORT}`);

const ALGORITHMS = ["EdDSA", "ES256", "ES512", "RS256", "PS256"];
const alg = process.env.JWT_ALG || "EdDSA";
if (!ALGORITHMS.includes(alg)) fail(`JWT_ALG must be one of ${ALGORITHMS.join(", ")}, got ${alg}`);
// Seconds, as the jwt plugin takes them; unset keeps its defaults (no
// rotation, a 30-day grace period).
function seconds(name) {
  const text = process.env[name];
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) fail(`${name} must be a whole number of seconds, got ${text}`);
  return value;
}
const rotationInterval = seconds("JWKS_ROTATION_INTERVAL");
const gracePeriod = seconds("JWKS_GRACE_PERIOD");
const jwtOptions = {
  jwks: {
    // Only when asked: without it the plugin keeps its own default (Ed25519).
    ...(process.env.JWT_ALG ? { keyPairConfig: { alg } } : {}),
    ...(rotationInterval ? { rotationInterval } : {}),
    ...(gracePeriod ? { gracePeriod } : {}),
  },
  ...(process.env.JWT_EXPIRATION ? { jwt: { expirationTime: process.env.JWT_EXPIRATION } } : {}),
};

const auth = betterAuth({
  baseURL: BASE_URL,
  secret: SECRET,
  database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  plugins: [jwt(jwtOptions), bearer()],
});

const handler = toNodeHandler(auth);
const server = http.createServer((req, res) => {
  if (req.url?.startsWith("/api/auth/")) return handler(req, res);
  res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
});

server.on("error", (err) => fail(`cannot listen on ${HOST}:${PORT}: ${err.message}`));
server.listen(PORT, HOST, () => {
  const rotation = rotationInterval ? `, a new key every ${rotationInterval} s` : "";
  console.log(`better-auth listening on http://${HOST}:${PORT} (${alg}${rotation})`);
});

function shutdown(signal) {
  console.log(`better-auth: ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
