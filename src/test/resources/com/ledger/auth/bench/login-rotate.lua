-- Login benchmark for wrk (not part of the test run). Measured on the dev VM (2 cores, shared) against 127.0.0.1:
--   ./mvnw -q -o package -DskipTests
--   psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE ledger_bench_identity"
--   LEDGER_DB_URL=postgresql://postgres@127.0.0.1:5432/ledger_bench_identity LEDGER_SEED_DEMO_DATA=true \
--     LEDGER_RATE_LIMIT_ENABLED=false LEDGER_HTTP_PORT=4417 LEDGER_HTTP_HOST=127.0.0.1 \
--     LEDGER_SANDBOX_BANK_PORT=4418 LEDGER_BANK_URL=http://127.0.0.1:4418 java -jar target/ledgerbank.jar &
--   wrk -t1 -c4 -d20s --latency -s src/test/resources/com/ledger/auth/bench/login-rotate.lua http://127.0.0.1:4417
--   TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
--     -d '{"email":"alice@example.com","password":"password123!"}' http://127.0.0.1:4417/api/auth/login \
--     | python3 -c 'import sys,json;print(json.load(sys.stdin)["data"]["access_token"])')
--   wrk -t2 -c32 -d20s --latency -H "Authorization: Bearer $TOKEN" http://127.0.0.1:4417/api/auth/me
--   psql -h 127.0.0.1 -U postgres -c "DROP DATABASE ledger_bench_identity WITH (FORCE)"
-- Default OWASP Argon2id parameters (m=19456, t=2, p=1), auth.password.hash_threads = 2.
-- POST /api/auth/login, rotating over the four SPEC §12 demo users (at most 4 in flight with -c4, so the
-- per-(IP, email) failed-login throttle, which counts attempts in flight, never engages).
local users = {
  '{"email":"alice@example.com","password":"password123!"}',
  '{"email":"bob@example.com","password":"password123!"}',
  '{"email":"admin@example.com","password":"admin-password-123!"}',
  '{"email":"support@example.com","password":"support-password-123!"}',
}
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/api/auth/login", {["Content-Type"] = "application/json"}, users[(n % 4) + 1])
end
