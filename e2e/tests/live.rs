//! Live updates against the real binary: the event stream tells each reader what they may see as
//! it happens (agents everything, a customer their own tickets without internal notes, presence
//! to agents only), resumes after `Last-Event-ID`, refuses bad callers and inputs, and — on
//! PostgreSQL — two replicas of one database tell the same.

use std::time::Duration;

use oxidesk_e2e::*;

const PASSWORD: &str = "a long passphrase for live";
/// Far above the poller's quarter second: only a broken stream waits this long.
const SOON: Duration = Duration::from_secs(10);
/// How long a stream is watched for what must not come.
const QUIET: Duration = Duration::from_secs(2);

struct Desk {
    s: TestServer,
    agent: Auth,
    agent_id: i64,
    alice: Auth,
    olga: Auth,
    alice_ticket: String,
    olga_ticket: String,
}

fn desk() -> Desk {
    let s = TestServer::start();
    s.admin_create("root", "root@example.com", PASSWORD);
    let admin = Auth::Bearer(s.login_token("root", PASSWORD));
    let agent_person = s.create_person(&admin, "agent", 3, Some(PASSWORD));
    let alice_person = s.create_person(&admin, "alice", 1, Some(PASSWORD));
    let olga_person = s.create_person(&admin, "olga", 1, Some(PASSWORD));
    let staff = s.apikey("staff", "read,write", None).auth();
    let alice_ticket = s.open_ticket_for(&staff, &alice_person, None);
    let olga_ticket = s.open_ticket_for(&staff, &olga_person, None);
    Desk {
        agent: Auth::Bearer(s.login_token("agent", PASSWORD)),
        agent_id: agent_person.id,
        alice: Auth::Bearer(s.login_token("alice", PASSWORD)),
        olga: Auth::Bearer(s.login_token("olga", PASSWORD)),
        alice_ticket,
        olga_ticket,
        s,
    }
}

fn on<'a>(kind: &'static str, ticket: &'a str) -> impl Fn(&Event) -> bool + 'a {
    move |e| e.name == "ticket" && e.data["kind"] == kind && e.data["ticket"] == ticket
}

fn reply(d: &Desk, who: &Auth, ticket: &str, body: Value) {
    d.s.put_json(&format!("/api/tickets.json/{ticket}"), who, &body).expect(200);
}

#[test]
fn each_reader_hears_what_they_may_see_as_it_happens() {
    let d = desk();
    let agent = d.s.events(&d.agent, None);
    let alice = d.s.events(&d.alice, None);
    let olga = d.s.events(&d.olga, None);

    // Alice writes: the agent hears it, with who and which ticket, and no content.
    reply(&d, &d.alice, &d.alice_ticket, json!({"message": "Any news on my laptop?"}));
    let heard = agent.wait_for(SOON, on("ticket.message", &d.alice_ticket)).expect("the agent hears Alice");
    assert_eq!(heard.data["actor"], "alice Person", "{:?}", heard.data);
    assert!(heard.id.is_some() && heard.data.get("body").is_none(), "{:?}", heard.data);

    // The agent's note and response: the agent hears both; Alice the response only.
    reply(&d, &d.agent, &d.alice_ticket, json!({"message": "Waiting for the part", "type": "note"}));
    reply(&d, &d.agent, &d.alice_ticket, json!({"message": "The part arrives on Monday"}));
    agent.wait_for(SOON, on("ticket.note", &d.alice_ticket)).expect("the agent hears the note");
    alice.wait_for(SOON, on("ticket.response", &d.alice_ticket)).expect("Alice hears the response");
    // Olga's ticket changes too; then nothing of Alice's reaches Olga, no note reaches Alice.
    reply(&d, &d.agent, &d.olga_ticket, json!({"priority": "High"}));
    agent.wait_for(SOON, on("ticket.update", &d.olga_ticket)).expect("the agent hears a field change");
    let to_alice = alice.collect(QUIET);
    let to_olga = olga.collect(QUIET);
    assert!(to_alice.iter().all(|e| e.data["ticket"] == d.alice_ticket.as_str()), "{to_alice:?}");
    assert!(to_alice.iter().all(|e| e.data["kind"] != "ticket.note" && e.name != "presence"), "{to_alice:?}");
    assert!(to_olga.iter().all(|e| e.data["ticket"] != d.alice_ticket.as_str()), "{to_olga:?}");

    // Presence: the agent opens Alice's ticket and types; agents hear it, Alice does not.
    let path = format!("/api/tickets.json/{}/presence", d.alice_ticket);
    d.s.put_json(&path, &d.agent, &json!({"typing": true})).expect(204);
    let present = agent
        .wait_for(SOON, |e| e.name == "presence" && e.data["ticket"] == d.alice_ticket.as_str())
        .expect("agents hear who has the ticket open");
    assert_eq!(present.data["people"], json!([{"id": d.agent_id, "name": "agent Person", "typing": true}]));
    d.s.delete_json(&path, &d.agent, &json!({})).expect(204);
    let gone = agent
        .wait_for(SOON, |e| e.name == "presence" && e.data["ticket"] == d.alice_ticket.as_str())
        .expect("and when they leave");
    assert_eq!(gone.data["people"], json!([]));
    assert!(alice.collect(QUIET).iter().all(|e| e.name != "presence"));
    // A stream opened now starts with who is present.
    d.s.put_json(&path, &d.agent, &json!({})).expect(204);
    std::thread::sleep(Duration::from_millis(1500));
    let late = d.s.events(&d.agent, None);
    let first = late.wait_for(SOON, |e| e.name == "presence").expect("the present ones first");
    assert_eq!(first.data["people"][0]["typing"], false);
}

#[test]
fn a_stream_resumes_after_the_last_event_it_saw() {
    let d = desk();
    let agent = d.s.events(&d.agent, None);
    reply(&d, &d.alice, &d.alice_ticket, json!({"message": "First"}));
    let first = agent.wait_for(SOON, on("ticket.message", &d.alice_ticket)).expect("first");
    drop(agent);
    // Missed while away: two messages.
    reply(&d, &d.alice, &d.alice_ticket, json!({"message": "Second"}));
    reply(&d, &d.olga, &d.olga_ticket, json!({"message": "Olga's"}));
    let again = d.s.events(&d.agent, first.id);
    let caught: Vec<Event> = again.collect(QUIET).into_iter().filter(|e| e.name == "ticket").collect();
    let tickets: Vec<&str> = caught.iter().map(|e| e.data["ticket"].as_str().unwrap_or_default()).collect();
    assert_eq!(tickets, vec![d.alice_ticket.as_str(), d.olga_ticket.as_str()], "{caught:?}");
    // A customer resuming gets only hers.
    let alice = d.s.events(&d.alice, Some(0));
    let hers = alice.collect(QUIET);
    assert!(!hers.is_empty() && hers.iter().all(|e| e.data["ticket"] == d.alice_ticket.as_str()), "{hers:?}");
}

#[test]
fn bad_callers_and_inputs_are_refused() {
    let d = desk();
    let open = |auth: &Auth, headers: &[(&str, &str)]| d.s.send(Method::GET, "/api/events", auth, headers, None, None);
    open(&Auth::None, &[]).expect_error(401, "unauthorized");
    open(&Auth::Bearer("not.a.token".into()), &[]).expect_error(401, "unauthorized");
    for bad in ["abc", "-1", "1; DROP TABLE events", "99999999999999999999999"] {
        open(&d.agent, &[("Last-Event-ID", bad)]).expect_error(400, "bad_request");
    }
    // Each person holds 32 streams at most: a 33rd ends their oldest (a closed tab's stream is
    // only noticed at its next heartbeat, and a reload must not be refused for it).
    let mut held: Vec<std::net::TcpStream> = (0..32).map_while(|_| d.s.hold_stream(&d.alice)).collect();
    assert_eq!(held.len(), 32);
    let _newest = d.s.hold_stream(&d.alice).expect("a 33rd stream is answered");
    assert!(TestServer::says_bye(&mut held[0]), "the oldest stream did not end");
    // Only the oldest: the next one is still open.
    held[1].set_read_timeout(Some(Duration::from_millis(300))).expect("a read timeout");
    let mut buf = [0u8; 4096];
    let heard = std::io::Read::read(&mut held[1], &mut buf).map(|n| String::from_utf8_lossy(&buf[..n]).into_owned());
    assert!(!heard.as_deref().unwrap_or("").contains("bye"), "{heard:?}");

    // Presence is the agents': a customer, on her own ticket, and a key are refused.
    let path = |n: &str| format!("/api/tickets.json/{n}/presence");
    d.s.put_json(&path(&d.alice_ticket), &d.alice, &json!({})).expect_error(403, "forbidden");
    d.s.put_json(&path(&d.olga_ticket), &d.alice, &json!({})).expect_error(404, "not_found");
    let key = d.s.apikey("reader", "read,write", None).auth();
    d.s.put_json(&path(&d.alice_ticket), &key, &json!({})).expect_error(403, "forbidden");
    d.s.put_json(&path(&d.alice_ticket), &d.agent, &json!({"typing": "yes"})).expect(422);
    d.s.put_json(&path("TCK-999999"), &d.agent, &json!({})).expect_error(404, "not_found");
}

#[test]
fn replicas_on_one_database_tell_the_same() {
    let d = desk();
    if d.s.engine() != "postgres" {
        eprintln!("replicas share a PostgreSQL database: this runs with TEST_DATABASE_URL (make test-postgres)");
        return;
    }
    let other = d.s.replica();
    // The agent listens on one replica; Alice writes through the other.
    let agent = other.events(&d.agent, None);
    d.s.put_json(&format!("/api/tickets.json/{}/presence", d.alice_ticket), &d.agent, &json!({"typing": true}))
        .expect(204);
    reply(&d, &d.alice, &d.alice_ticket, json!({"message": "Through the first replica"}));
    agent.wait_for(SOON, on("ticket.message", &d.alice_ticket)).expect("the other replica tells it");
    agent
        .wait_for(SOON, |e| e.name == "presence" && e.data["ticket"] == d.alice_ticket.as_str())
        .expect("and who is typing");
}
