//! Several clients at once: the version check holds when two agents answer at the same moment, and
//! simultaneous writers never get a 500 (SQLite's single writer included).

use std::sync::{Arc, Barrier};
use std::thread;

use oxidesk_e2e::*;

#[test]
fn of_several_updates_sent_with_the_same_version_exactly_one_wins() {
    let server = Arc::new(TestServer::start());
    let key = server.apikey("agents", "read,write,impersonate", None).auth();
    let r = server.post_json(
        "/api/tickets.json",
        &key,
        &json!({"name": "Race Condition", "email": "race@example.com", "subject": "Who answers?", "message": "First come"}),
    );
    r.expect(201);
    let number = r.text.trim().to_owned();
    let path = format!("/api/tickets.json/{number}");
    let before = server.ticket(&number, &key);
    let version = before["version"].as_i64().unwrap();

    for round in 0..3 {
        let seen = server.ticket(&number, &key);
        let version = seen["version"].as_i64().unwrap();
        let entries = threads(&seen).len();
        let writers = 6;
        let barrier = Arc::new(Barrier::new(writers));
        let handles: Vec<_> = (0..writers)
            .map(|i| {
                let (server, key, path, barrier) = (server.clone(), key.clone(), path.clone(), barrier.clone());
                thread::spawn(move || {
                    barrier.wait();
                    server.put_json(
                        &path,
                        &key,
                        &json!({"message": format!("Answer {i} of round {round}"), "version": version}),
                    )
                })
            })
            .collect();
        let answers: Vec<Resp> = handles.into_iter().map(|h| h.join().expect("writer thread")).collect();
        let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "round {round}: exactly one wins: {statuses:?}");
        for r in answers.iter().filter(|r| r.status != 200) {
            r.expect_error(409, "conflict");
        }
        let after = server.ticket(&number, &key);
        assert_eq!(after["version"], version + 1, "round {round}");
        assert_eq!(threads(&after).len(), entries + 1, "round {round}: only the winner's answer is kept");
    }
    assert_eq!(server.ticket(&number, &key)["version"], version + 3);
}

#[test]
fn simultaneous_tickets_all_get_their_own_number() {
    let server = Arc::new(TestServer::start());
    let key = server.apikey("gateway", "read,write", None).auth();
    let clients = 8;
    let per_client = 5;
    let barrier = Arc::new(Barrier::new(clients));
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (server, key, barrier) = (server.clone(), key.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                (0..per_client)
                    .map(|n| {
                        // Half of them for the same new customer, to race its creation too.
                        let email = if n % 2 == 0 { "shared@example.com".to_owned() } else { format!("c{c}n{n}@example.com") };
                        server.post_json(
                            "/api/tickets.json",
                            &key,
                            &json!({"name": "Busy Person", "email": email, "subject": format!("Ticket {c}/{n}"), "message": "Simultaneous"}),
                        )
                    })
                    .collect::<Vec<Resp>>()
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for h in handles {
        for r in h.join().expect("client thread") {
            r.expect(201);
            numbers.push(r.text.trim().to_owned());
        }
    }
    let total = clients * per_client;
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), total, "every ticket has its own number");
    assert_eq!(server.ticket_total(&key), total as i64);
    let r = server.get("/api/tickets.json?email=shared@example.com&per_page=100&threads=false", &key);
    r.expect(200);
    let shared = r.json();
    let owners: std::collections::BTreeSet<String> =
        shared.as_array().unwrap().iter().map(|t| t["user"]["id"].to_string()).collect();
    assert_eq!(owners.len(), 1, "one customer for one email, however many tickets raced to create it: {owners:?}");
    assert_eq!(r.total_count(), (clients * per_client.div_ceil(2)) as i64);
    let r = server.get("/api/users.json?q=shared%40example.com", &key);
    r.expect(200);
    assert_eq!(r.total_count(), 1, "{}", r.text);
}
