-- wrk script for the "sign-in" scenario of the Oxidesk load benchmark (e2e/src/bin/bench.rs):
-- wrong passwords, as a guesser sends them. Every answer is the expected 401; what the scenario
-- measures is the server's memory while it hashes them (at most one hash per core at a time).
wrk.method = "POST"
wrk.body = '{"username":"bench-guess","password":"not the password"}'
wrk.headers["Content-Type"] = "application/json"
