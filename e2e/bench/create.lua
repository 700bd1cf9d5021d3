-- wrk script for the "create" scenario of the Oxidesk load benchmark (e2e/src/bin/bench.rs).
-- Every request opens a ticket through osTicket's create call (POST /api/tickets.json). The API
-- key comes from OXIDESK_BENCH_KEY, which the bench sets for wrk.
local key = os.getenv("OXIDESK_BENCH_KEY")
if key == nil or key == "" then
  error("set OXIDESK_BENCH_KEY to an API key with the write scope")
end

wrk.method = "POST"
wrk.body = '{"email":"bench@example.com","name":"Bench User","subject":"Printer on floor 2 jams","message":"It jams every morning.","topicId":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = key
