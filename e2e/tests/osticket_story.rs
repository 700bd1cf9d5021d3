//! The osTicket story of seed 003, told against the real binary: a program with an impersonating
//! API key opens a ticket for a customer, the customer writes, closes and reopens it, an agent
//! answers through osTicket's staff endpoints, and everyone finds it where they look.

use oxidesk_e2e::*;

const CUSTOMER_NAME: &str = "Michael User2";
const CUSTOMER_EMAIL: &str = "michael@example.com";

fn is_ticket_number(text: &str) -> bool {
    text.strip_prefix("TCK-").is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// A staff reading of the ticket, and the entries after the first `skip`.
fn new_entries(ticket: &Value, skip: usize) -> Vec<Value> {
    threads(ticket).into_iter().skip(skip).collect()
}

fn numbers(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("expected a JSON array, got {list}"))
        .iter()
        .map(|t| t["ticket_number"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Creates an agent (level 3) as an administrator (no key chooses a password); returns its id.
fn create_agent(server: &TestServer, username: &str, name: &str, email: &str) -> i64 {
    let r = server.post_json(
        "/api/users.json",
        &server.admin_auth(),
        &json!({"username": username, "name": name, "email": email, "password": "a long agent passphrase", "level": 3}),
    );
    r.expect(201);
    let agent = r.json();
    assert_eq!(agent["level"], 3, "{agent}");
    assert_eq!(agent["level_name"], "Agent", "{agent}");
    assert_eq!(agent["username"], username, "{agent}");
    agent["id"].as_i64().expect("agent id")
}

#[test]
fn a_customer_ticket_goes_from_creation_to_an_agent_resolving_it() {
    let server = TestServer::start();
    let key = server.apikey("helpdesk-integration", "read,write,impersonate,admin", None).auth();

    // The integration registers the customer first, as seed 003's script does.
    let r = server.post_json(
        "/api/users.json",
        &key,
        &json!({"name": CUSTOMER_NAME, "email": CUSTOMER_EMAIL, "phone": "4254441212X123"}),
    );
    r.expect(201);
    let customer = r.json();
    let uid = customer["id"].as_i64().expect("user id");
    assert_eq!(customer["email"], CUSTOMER_EMAIL);
    assert_eq!(customer["fullname"], CUSTOMER_NAME);
    assert_eq!(customer["firstname"], "Michael");
    assert_eq!(customer["lastname"], "User2");
    assert_eq!(customer["phone"], "4254441212X123");
    assert_eq!(customer["level"], 1);
    assert_eq!(customer["level_name"], "Authorized user");
    assert!(customer["username"].is_null(), "a user made from an email has no user name yet: {customer}");

    // Opened for the customer, impersonating them; with an attachment, as osTicket sends it.
    let r = server.post_json(
        "/api/tickets.json",
        &key,
        &json!({
            "name": CUSTOMER_NAME, "email": CUSTOMER_EMAIL, "subject": "Testing API",
            "message": "My original message", "topicId": 2, "priority": "High",
            "attachments": [{"notes.txt": data_url("text/plain", b"Hello from the attachment")}],
            "ip": "192.0.2.10", "alert": true, "autorespond": true, "user_id": uid
        }),
    );
    r.expect(201);
    assert!(r.content_type().starts_with("text/plain"), "the create answer is text by default: {:?}", r.content_type());
    let number = r.text.trim().to_owned();
    assert!(is_ticket_number(&number), "expected a ticket number like TCK-1001, got {:?}", r.text);
    assert_eq!(r.header("location").as_deref(), Some(format!("/api/tickets.json/{number}").as_str()));

    // Listed by the customer's email and by their id.
    let r = server.get(&format!("/api/tickets.json?email={CUSTOMER_EMAIL}"), &key);
    r.expect(200);
    assert_eq!(r.total_count(), 1);
    assert_eq!(numbers(&r.json()), vec![number.clone()]);
    let r = server.get(&format!("/api/tickets.json?user_id={uid}"), &key);
    r.expect(200);
    assert_eq!(r.total_count(), 1);
    let listed = r.json();
    assert_eq!(numbers(&listed), vec![number.clone()]);
    assert_eq!(listed[0]["user"]["id"], uid);
    assert_eq!(threads(&listed[0]).len(), 1, "threads are included by default: {listed}");
    let r = server.get(&format!("/api/tickets.json?user_id={uid}&threads=false"), &key);
    r.expect(200);
    assert_eq!(r.json()[0]["threads"], json!([]), "threads=false leaves them out");
    let r = server.get("/api/tickets.json?email=nobody@example.com", &key);
    r.expect(200);
    assert_eq!(r.total_count(), 0);
    assert_eq!(r.json(), json!([]));

    // Fetched by number, and by its bare digits.
    let ticket = server.ticket(&number, &key);
    assert_eq!(ticket["ticket_number"], number.as_str());
    assert_eq!(ticket["subject"], "Testing API");
    assert_eq!(ticket["ticket_status"], "Open");
    assert_eq!(ticket["statusId"], 1);
    assert_eq!(ticket["status_state"], "open");
    assert_eq!(ticket["priority"], "High");
    assert_eq!(ticket["topic"], "Feedback");
    assert_eq!(ticket["topicId"], 2);
    assert_eq!(ticket["department"], "Support");
    assert_eq!(ticket["queue_id"], 1);
    assert_eq!(ticket["user"]["id"], uid);
    assert_eq!(ticket["user"]["email"], CUSTOMER_EMAIL);
    assert_eq!(ticket["user"]["fullname"], CUSTOMER_NAME);
    assert!(ticket["close_timestamp"].is_null() && ticket["resolution"].is_null(), "{ticket}");
    assert_eq!(ticket["assigned_to"], json!([]));
    let first = threads(&ticket);
    assert_eq!(first.len(), 1, "{ticket}");
    assert_eq!(first[0]["type"], "M");
    assert_eq!(first[0]["body"], "My original message");
    assert_eq!(first[0]["message"]["body"], "My original message");
    assert_eq!(first[0]["user_id"], uid);
    assert_eq!(first[0]["poster"], CUSTOMER_NAME);
    let files = first[0]["attachments"].as_array().expect("attachments").clone();
    assert_eq!(files.len(), 1, "{ticket}");
    assert_eq!(files[0]["filename"], "notes.txt");
    assert_eq!(files[0]["content_type"], "text/plain");
    assert_eq!(files[0]["size"], "Hello from the attachment".len());
    let by_digits = server.ticket(number.trim_start_matches("TCK-"), &key);
    assert_eq!(by_digits["ticket_number"], number.as_str());

    // The attachment downloads as a file, never inline.
    let href = files[0]["href"].as_str().expect("href").to_owned();
    let r = server.get(&href, &key);
    r.expect(200);
    assert_eq!(r.text, "Hello from the attachment");
    let disposition = r.header("content-disposition").unwrap_or_default();
    assert!(disposition.starts_with("attachment") && disposition.contains("notes.txt"), "{disposition:?}");

    // The customer writes again, named by id, then by email.
    let v1 = ticket["version"].as_i64().expect("version");
    let r = server.put_json(
        &format!("/api/tickets.json/{number}"),
        &key,
        &json!({"user_id": uid, "message": "My updated message using user_id"}),
    );
    r.expect(200);
    let t = r.json();
    let added = new_entries(&t, 1);
    assert_eq!(added.len(), 1, "{t}");
    assert_eq!(added[0]["type"], "M");
    assert_eq!(added[0]["body"], "My updated message using user_id");
    assert_eq!(added[0]["user_id"], uid);
    assert_eq!(added[0]["poster"], CUSTOMER_NAME);
    let v2 = t["version"].as_i64().unwrap();
    assert!(v2 > v1, "a reply bumps the version ({v1} → {v2})");
    let r = server.put_json(
        &format!("/api/tickets.json/{number}"),
        &key,
        &json!({"email": CUSTOMER_EMAIL, "message": "My updated message using email"}),
    );
    r.expect(200);
    let t = r.json();
    let added = new_entries(&t, 2);
    assert_eq!(added.len(), 1, "{t}");
    assert_eq!(added[0]["type"], "M");
    assert_eq!(added[0]["body"], "My updated message using email");
    assert_eq!(added[0]["user_id"], uid);
    assert!(t["version"].as_i64().unwrap() > v2);
    assert_eq!(t["ticket_status"], "Open", "a customer's message leaves the ticket open");

    // The customer closes it.
    let before_close = threads(&t).len();
    let r = server.delete_json(&format!("/api/tickets.json/{number}"), &key, &json!({"user_id": uid}));
    r.expect(204);
    assert!(r.text.is_empty(), "204 has no body: {:?}", r.text);
    let t = server.ticket(&number, &key);
    assert_eq!(t["ticket_status"], "Closed");
    assert_eq!(t["statusId"], 3);
    assert_eq!(t["status_state"], "closed");
    assert!(t["close_timestamp"].is_string(), "{t}");
    assert_eq!(t["resolution"], "Closed by user");
    let added = new_entries(&t, before_close);
    assert_eq!(added.len(), 1, "closing adds one event: {t}");
    assert_eq!(added[0]["type"], "E");
    assert_eq!(added[0]["title"], "Status Changed");
    assert_eq!(added[0]["body"], "Closed by user");
    // Closing a closed ticket changes nothing.
    let closed = Snapshot::of(&t);
    let r = server.delete_json(&format!("/api/tickets.json/{number}"), &key, &json!({"user_id": uid}));
    r.expect(204);
    server.assert_unchanged(&number, &key, &closed, "closing a closed ticket");

    // …and reopens it.
    let r = server.post_json(&format!("/api/tickets.json/{number}"), &key, &json!({"user_id": uid}));
    r.expect(200);
    let t = r.json();
    assert_eq!(t["ticket_number"], number.as_str());
    assert_eq!(t["ticket_status"], "Open");
    assert_eq!(t["statusId"], 1);
    assert_eq!(t["status_state"], "open");
    assert!(t["close_timestamp"].is_null(), "{t}");
    assert!(t["resolution"].is_null(), "{t}");
    let added = new_entries(&t, before_close + 1);
    assert_eq!(added.len(), 1, "{t}");
    assert_eq!(added[0]["type"], "E");
    assert_eq!(added[0]["title"], "Status Changed");
    assert_eq!(server.ticket(&number, &key), t, "the reopen answer is the stored ticket");

    // An agent, assigned to the ticket, finds it among their tickets.
    let agent_id = create_agent(&server, "agent.smith", "Agent Smith", "smith@example.com");
    let r = server.get("/api/scp/tickets/staffTickets.json?staffUserName=agent.smith", &key);
    r.expect(200);
    let body = r.json();
    assert_eq!(body["status_code"], "0");
    assert_eq!(body["tickets"], json!([]), "nothing is assigned yet");
    let r = server.put_json(&format!("/api/tickets.json/{number}"), &key, &json!({"assignee_ids": [agent_id]}));
    r.expect(200);
    let t = r.json();
    assert_eq!(t["assigned_to"].as_array().map(Vec::len), Some(1), "{t}");
    assert_eq!(t["assigned_to"][0]["id"], agent_id);
    assert_eq!(t["assigned_to"][0]["name"], "Agent Smith");
    assert_eq!(t["assigned_to"][0]["username"], "agent.smith");
    let r = server.get("/api/scp/tickets/staffTickets.json?staffUserName=agent.smith", &key);
    r.expect(200);
    let body = r.json();
    assert_eq!(body["status_code"], "0");
    assert_eq!(body["status_msg"], "success");
    assert_eq!(numbers(&body["tickets"]), vec![number.clone()]);
    let r = server.get(&format!("/api/tickets.json?assignee={agent_id}"), &key);
    r.expect(200);
    assert_eq!(r.total_count(), 1);

    // The agent answers through osTicket's staff endpoint and resolves the ticket.
    let before_reply = threads(&server.ticket(&number, &key)).len();
    let r = server.post_json(
        "/api/scp/tickets/reply.json",
        &key,
        &json!({"ticketNumber": number, "response": "ticket issue is resolved!", "reply_status_id": 2,
                "staffUserName": "agent.smith", "ip_address": "::1"}),
    );
    r.expect(200);
    assert_eq!(r.json(), json!({"status_code": "0", "status_msg": "reply posted successfully"}));
    let t = server.ticket(&number, &key);
    assert_eq!(t["ticket_status"], "Resolved");
    assert_eq!(t["statusId"], 2);
    assert_eq!(t["status_state"], "resolved");
    assert!(t["last_response_timestamp"].is_string(), "{t}");
    let added = new_entries(&t, before_reply);
    let responses: Vec<&Value> = added.iter().filter(|e| e["type"] == "R").collect();
    assert_eq!(responses.len(), 1, "one response: {t}");
    assert_eq!(responses[0]["body"], "ticket issue is resolved!");
    assert_eq!(responses[0]["staff_id"], agent_id);
    assert_eq!(responses[0]["poster"], "Agent Smith");
    let events: Vec<&Value> = added.iter().filter(|e| e["type"] == "E").collect();
    assert_eq!(events.len(), 1, "one status event: {t}");
    assert_eq!(events[0]["title"], "Status Changed");
    let event = events[0]["body"].as_str().unwrap_or_default();
    assert!(event.contains("Open") && event.contains("Resolved"), "the event names both statuses: {event:?}");
    assert_eq!(added.len(), 2, "{t}");

    // The same ticket through osTicket's other staff endpoints.
    let r = server.get(&format!("/api/scp/tickets/ticketInfo.json?ticketNumber={number}"), &key);
    r.expect(200);
    let info = r.json();
    assert_eq!(info["status_code"], "0");
    assert_eq!(info["ticket"], t);
    let r = server.get(&format!("/api/scp/tickets/clientTickets.json?clientUserMail={CUSTOMER_EMAIL}"), &key);
    r.expect(200);
    let body = r.json();
    assert_eq!(body["status_code"], "0");
    assert_eq!(numbers(&body["tickets"]), vec![number.clone()]);
    assert_eq!(body["tickets"][0]["ticket_status"], "Resolved");
    let r = server.get("/api/scp/tickets.json", &key);
    r.expect(200);
    assert!(r.text.contains(&number), "the ticket index lists it: {}", r.text);

    // Finally, as the resolved customer sees it in their list.
    let r = server.get(&format!("/api/tickets.json?email={CUSTOMER_EMAIL}&status=resolved"), &key);
    r.expect(200);
    assert_eq!(r.total_count(), 1);
    let r = server.get(&format!("/api/tickets.json?email={CUSTOMER_EMAIL}&status=open"), &key);
    r.expect(200);
    assert_eq!(r.total_count(), 0);

    // Checked last so that the story above runs whatever this says: a ticket that came in through
    // an API key is an API ticket, even when the key speaks for the customer ("API when created
    // with a key, Web otherwise").
    assert_eq!(ticket["source"], "API", "source of a ticket created by an impersonating key: {ticket}");
}

#[test]
fn a_ticket_for_a_new_email_creates_the_customer_and_answers_json_when_asked() {
    let server = TestServer::start();
    // A write key without impersonation opens tickets for whoever the email names.
    let key = server.apikey("mail-gateway", "read,write", None).auth();

    let body = json!({"name": "Ada Lovelace", "email": "Ada@Example.com", "subject": "Printer on fire",
                      "message": "It smells of smoke", "topicId": "1", "priority": 3, "alert": "1", "autorespond": "false"});
    let r = server.post_json("/api/tickets.json", &key, &body);
    r.expect(201);
    assert!(r.content_type().starts_with("text/plain"), "{:?}", r.content_type());
    let first = r.text.trim().to_owned();
    assert!(is_ticket_number(&first), "{first:?}");

    let r = server.send(
        Method::POST,
        "/api/tickets.json",
        &key,
        &[("Accept", "application/json")],
        Some("application/json"),
        Some(
            serde_json::to_vec(&json!({"email": "ada@example.com", "subject": "Second", "message": "Again"})).unwrap(),
        ),
    );
    r.expect(201);
    assert!(r.content_type().starts_with("application/json"), "{:?}", r.content_type());
    let second = r.json();
    let second_number = second["ticket_number"].as_str().expect("ticket_number").to_owned();
    assert!(is_ticket_number(&second_number) && second_number != first, "{second}");
    assert_eq!(r.header("location").as_deref(), Some(format!("/api/tickets.json/{second_number}").as_str()));
    assert_eq!(second["subject"], "Second");
    assert_eq!(second["ticket_status"], "Open");
    assert_eq!(second["source"], "API");
    assert_eq!(second["priority"], "Normal", "the default priority");
    assert_eq!(threads(&second).len(), 1);
    assert_eq!(second["threads"][0]["body"], "Again");
    assert_eq!(second, server.ticket(&second_number, &key), "the JSON answer is the stored ticket");

    // One customer, found again by the same email in any case.
    let t1 = server.ticket(&first, &key);
    assert_eq!(t1["user"]["email"], "ada@example.com", "emails are kept in lower case");
    assert_eq!(t1["user"]["fullname"], "Ada Lovelace");
    assert_eq!(t1["priority_id"], 3);
    assert_eq!(t1["topicId"], 1);
    assert_eq!(second["user"]["id"], t1["user"]["id"], "the second ticket belongs to the same customer");
    let r = server.get("/api/users.json?q=ada%40example.com", &key);
    r.expect(200);
    let users = r.json();
    assert_eq!(r.total_count(), 1, "{users}");
    assert_eq!(users[0]["level"], 1);
    assert_eq!(users[0]["id"], t1["user"]["id"]);
    let r = server.get("/api/tickets.json?email=ADA@example.com", &key);
    r.expect(200);
    assert_eq!(r.total_count(), 2);
}

#[test]
fn topics_are_listed_and_a_new_one_routes_tickets_to_its_queue() {
    let server = TestServer::start();
    let key = server.apikey("admin-script", "read,write,admin", None).auth();

    let r = server.get("/api/queues.json", &key);
    r.expect(200);
    let queues = r.json();
    let find_queue = |id: i64| queues.as_array().unwrap().iter().find(|q| q["id"] == id).cloned();
    assert_eq!(find_queue(1).map(|q| q["name"].clone()), Some(json!("Support")), "{queues}");
    assert_eq!(find_queue(2).map(|q| q["name"].clone()), Some(json!("Sales")), "{queues}");

    let r = server.get("/api/topics.json", &key);
    r.expect(200);
    let topics = r.json();
    let list = topics.as_array().expect("a list of topics");
    assert_eq!(list.len(), 4, "four default topics: {topics}");
    let ids: Vec<i64> = list.iter().filter_map(|t| t["id"].as_i64()).collect();
    for id in 1..=4 {
        assert!(ids.contains(&id), "topic {id} is missing: {topics}");
    }
    let feedback = list.iter().find(|t| t["id"] == 2).unwrap();
    assert_eq!(feedback["value"], "Feedback");
    assert!(feedback["queue_id"].is_i64() && feedback["queue"].is_string(), "{feedback}");

    let r = server.post_json("/api/topics.json", &key, &json!({"value": "Printer problems", "queue_id": 2}));
    r.expect(201);
    let topic = r.json();
    let topic_id = topic["id"].as_i64().expect("topic id");
    assert_eq!(
        topic,
        json!({"id": topic_id, "value": "Printer problems", "queue_id": 2, "queue": "Sales", "active": true})
    );
    assert!(topic_id > 4);
    let r = server.get("/api/topics.json", &key);
    r.expect(200);
    assert!(r.json().as_array().unwrap().contains(&topic), "the new topic is listed: {}", r.text);

    // The same name again is refused, and nothing is added.
    let r = server.post_json("/api/topics.json", &key, &json!({"value": "Printer problems"}));
    r.expect_invalid_fields(&["value"]);
    let r = server.get("/api/topics.json", &key);
    assert_eq!(r.json().as_array().unwrap().len(), 5);

    // A ticket of that topic lands in its queue.
    let r = server.send(
        Method::POST,
        "/api/tickets.json",
        &key,
        &[("Accept", "application/json")],
        Some("application/json"),
        Some(
            serde_json::to_vec(&json!({"name": "Grace Hopper", "email": "grace@example.com", "subject": "Paper jam",
                                       "message": "Tray 2 jams", "topicId": topic_id}))
            .unwrap(),
        ),
    );
    r.expect(201);
    let t = r.json();
    assert_eq!(t["topicId"], topic_id);
    assert_eq!(t["topic"], "Printer problems");
    assert_eq!(t["queue_id"], 2);
    assert_eq!(t["department"], "Sales");
    let r = server.get("/api/tickets.json?queue=2", &key);
    r.expect(200);
    assert_eq!(r.total_count(), 1);
    assert_eq!(numbers(&r.json()), vec![t["ticket_number"].as_str().unwrap().to_owned()]);
}

#[test]
fn the_admin_signs_in_and_the_token_answers_who_am_i() {
    let server = TestServer::start();
    let password = "correct horse battery staple";
    server.admin_create("admin", "admin@example.com", password);

    let r = server.login("admin", password);
    r.expect(200);
    let session = r.json();
    assert_eq!(session["token_type"], "Bearer");
    assert!(session["expires_in"].as_i64().is_some_and(|s| s > 0), "{session}");
    assert_eq!(session["user"]["username"], "admin");
    assert_eq!(session["user"]["email"], "admin@example.com");
    assert_eq!(session["user"]["level"], 6);
    assert_eq!(session["user"]["level_name"], "Administrator");
    let cookie = r.header("set-cookie").unwrap_or_default();
    assert!(cookie.to_ascii_lowercase().contains("httponly"), "the refresh cookie is HttpOnly: {cookie:?}");
    let token = session["access_token"].as_str().expect("access_token").to_owned();

    let r = server.get("/api/users/me.json", &Auth::bearer(&token));
    r.expect(200);
    let me = r.json();
    assert_eq!(me, session["user"], "me is the user of the login answer");

    // Without or with a broken token: 401.
    server.get("/api/users/me.json", &Auth::None).expect_error(401, "unauthorized");
    server.get("/api/users/me.json", &Auth::bearer("not.a.jwt")).expect_error(401, "unauthorized");
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    server.get("/api/users/me.json", &Auth::bearer(&forged)).expect_error(401, "unauthorized");

    // The email signs in too; a wrong password does not.
    server.login("ADMIN@example.com", password).expect(200);
    server.login("admin", "wrong password!").expect_error(401, "unauthorized");

    // The admin's token works on the ticket API, as an administrator.
    let r = server.post_json(
        "/api/tickets.json",
        &Auth::bearer(&token),
        &json!({"email": "caller@example.com", "name": "Phone Caller", "subject": "Called in", "message": "Taken by phone", "source": "Phone"}),
    );
    r.expect(201);
    let number = r.text.trim().to_owned();
    let t = server.ticket(&number, &Auth::bearer(&token));
    assert_eq!(t["source"], "Phone");
    assert_eq!(t["user"]["email"], "caller@example.com");

    // The refresh cookie trades for a new token; after logout it no longer does.
    let r =
        server.send_with(server.cookie_client(), Method::POST, "/api/auth/refresh.json", &Auth::None, &[], None, None);
    r.expect(200);
    let refreshed = r.json()["access_token"].as_str().expect("access_token").to_owned();
    server.get("/api/users/me.json", &Auth::bearer(&refreshed)).expect(200);
    let r =
        server.send_with(server.cookie_client(), Method::POST, "/api/auth/logout.json", &Auth::None, &[], None, None);
    r.expect(204);
    let r =
        server.send_with(server.cookie_client(), Method::POST, "/api/auth/refresh.json", &Auth::None, &[], None, None);
    r.expect_error(401, "unauthorized");
    let r = server.send_with(server.client(), Method::POST, "/api/auth/refresh.json", &Auth::None, &[], None, None);
    r.expect_error(401, "unauthorized");

    // A key is no user.
    let key = server.apikey_create("reader", "read", None);
    server.get("/api/users/me.json", &Auth::key(&key)).expect_error(404, "not_found");
}

#[test]
fn full_text_search_finds_a_ticket_by_a_word_of_a_reply() {
    let server = TestServer::start();
    let key = server.apikey("search", "read,write,impersonate,admin", None).auth();

    let mut created = Vec::new();
    for (email, subject, message) in [
        ("marty@example.com", "Car trouble", "The car does not start"),
        ("doc@example.com", "Clock tower", "Lightning expected at 10:04"),
    ] {
        let r = server.post_json(
            "/api/tickets.json",
            &key,
            &json!({"name": "Some Body", "email": email, "subject": subject, "message": message}),
        );
        r.expect(201);
        created.push(r.text.trim().to_owned());
    }
    let (car, clock) = (&created[0], &created[1]);

    // Nothing mentions the capacitor yet.
    let r = server.get("/api/tickets.json?q=capacitor", &key);
    r.expect(200);
    assert_eq!(r.total_count(), 0);
    assert_eq!(r.json(), json!([]));

    // An agent's reply on the car ticket does.
    let r = server.put_json(
        &format!("/api/tickets.json/{car}"),
        &key,
        &json!({"message": "The flux capacitor overheated; we replaced it.", "type": "response"}),
    );
    r.expect(200);
    let t = r.json();
    assert_eq!(entries_of(&t, "R").len(), 1, "{t}");
    assert_eq!(t["ticket_status"], "Open");

    for q in ["capacitor", "Capacitor", "capac", "flux%20capacitor"] {
        let r = server.get(&format!("/api/tickets.json?q={q}"), &key);
        r.expect(200);
        assert_eq!(r.total_count(), 1, "q={q}: {}", r.text);
        assert_eq!(numbers(&r.json()), vec![car.clone()], "q={q}");
    }
    // Subjects and first messages are searched too; words must all match.
    let r = server.get("/api/tickets.json?q=lightning", &key);
    r.expect(200);
    assert_eq!(numbers(&r.json()), vec![clock.clone()]);
    let r = server.get("/api/tickets.json?q=capacitor%20lightning", &key);
    r.expect(200);
    assert_eq!(r.total_count(), 0);
    // Query syntax is only words.
    let r = server.get("/api/tickets.json?q=%22capacitor%22%20OR%20*", &key);
    r.expect(200);
    assert!(r.total_count() <= 1, "{}", r.text);
}

#[test]
fn internal_notes_stay_with_agents() {
    let server = TestServer::start();
    let key = server.apikey("notes", "read,write,impersonate,admin", None).auth();
    let r = server.post_json(
        "/api/users.json",
        &server.admin_auth(),
        &json!({"name": "Carol Customer", "email": "carol@example.com", "password": "carol's long password"}),
    );
    r.expect(201);
    let r = server.post_json(
        "/api/tickets.json",
        &key,
        &json!({"email": "carol@example.com", "subject": "VPN drops", "message": "Every ten minutes"}),
    );
    r.expect(201);
    let number = r.text.trim().to_owned();

    let r = server.put_json(
        &format!("/api/tickets.json/{number}"),
        &key,
        &json!({"message": "Her laptop is on the blocklist (zebra)", "type": "note"}),
    );
    r.expect(200);
    let staff_view = r.json();
    let notes = entries_of(&staff_view, "N");
    assert_eq!(notes.len(), 1, "{staff_view}");
    assert_eq!(notes[0]["body"], "Her laptop is on the blocklist (zebra)");
    assert!(staff_view["last_response_timestamp"].is_null(), "a note is no response: {staff_view}");

    // Carol, signed in, sees her ticket without the note, and cannot find it by the note's words.
    let token = server.login_token("carol@example.com", "carol's long password");
    let carol = Auth::bearer(&token);
    let mine = server.ticket(&number, &carol);
    assert_eq!(entries_of(&mine, "N"), Vec::<Value>::new(), "customers never see notes: {mine}");
    assert_eq!(threads(&mine).len(), threads(&staff_view).len() - 1);
    let r = server.get("/api/tickets.json?q=zebra", &carol);
    r.expect(200);
    assert_eq!(r.total_count(), 0, "{}", r.text);
    let r = server.get("/api/tickets.json?q=zebra", &key);
    r.expect(200);
    assert_eq!(r.total_count(), 1);
    let r = server.get("/api/tickets.json", &carol);
    r.expect(200);
    assert_eq!(r.total_count(), 1);
    assert_eq!(entries_of(&r.json()[0], "N"), Vec::<Value>::new());
}

#[test]
fn a_signed_in_agent_closes_a_ticket_and_the_customer_reopens_it_by_writing() {
    let server = TestServer::start();
    let key = server.apikey("integration", "read,write,impersonate,admin", None).auth();
    let agent_id = create_agent(&server, "tina", "Tina Tech", "tina@example.com");
    let agent = Auth::Bearer(server.login_token("tina", "a long agent passphrase"));
    let r = server.post_json(
        "/api/tickets.json",
        &key,
        &json!({"name": "Pat Printer", "email": "pat@example.com", "subject": "Toner", "message": "Prints are faint"}),
    );
    r.expect(201);
    let number = r.text.trim().to_owned();
    let path = format!("/api/tickets.json/{number}");

    // The agent takes the ticket.
    let r = server.get("/api/scp/tickets/staffTickets.json?staffUserName=tina", &agent);
    r.expect(200);
    assert_eq!(r.json()["tickets"], json!([]));
    let r = server.put_json(&path, &agent, &json!({"assignee_ids": [agent_id], "priority": "Urgent"}));
    r.expect(200);
    let t = r.json();
    assert_eq!(t["assigned_to"][0]["id"], agent_id);
    assert_eq!(t["priority"], "Urgent");
    let assignment = entries_of(&t, "E");
    assert_eq!(assignment.len(), 1, "assigning is recorded: {t}");
    assert!(assignment[0]["body"].as_str().unwrap_or_default().contains("Tina Tech"), "{t}");
    let r = server.get("/api/scp/tickets/staffTickets.json?staffUserName=tina@example.com", &agent);
    r.expect(200);
    assert_eq!(numbers(&r.json()["tickets"]), vec![number.clone()]);

    // Signed in, the agent replies through the staff endpoint without naming themself, closing it.
    let r = server.post_json(
        "/api/scp/tickets/reply.json",
        &agent,
        &json!({"ticketNumber": number, "response": "Replaced the toner cartridge.", "reply_status_id": "3", "resolution": "Replaced toner"}),
    );
    r.expect(200);
    assert_eq!(r.json(), json!({"status_code": "0", "status_msg": "reply posted successfully"}));
    let t = server.ticket(&number, &agent);
    assert_eq!(t["ticket_status"], "Closed");
    assert_eq!(t["resolution"], "Replaced toner");
    assert!(t["close_timestamp"].is_string());
    let reply = entries_of(&t, "R");
    assert_eq!(reply.len(), 1, "{t}");
    assert_eq!(reply[0]["staff_id"], agent_id);
    assert_eq!(reply[0]["staff_name"], "Tina Tech");
    let before = threads(&t).len();

    // The customer writes again: the message reopens the ticket.
    let r = server.put_json(&path, &key, &json!({"email": "pat@example.com", "message": "Still faint, sorry"}));
    r.expect(200);
    let t = r.json();
    assert_eq!(t["ticket_status"], "Open");
    assert!(t["resolution"].is_null() && t["close_timestamp"].is_null(), "{t}");
    let added = new_entries(&t, before);
    assert_eq!(added.iter().filter(|e| e["type"] == "M").count(), 1, "{t}");
    let events: Vec<&Value> = added.iter().filter(|e| e["type"] == "E").collect();
    assert_eq!(events.len(), 1, "reopening by writing is recorded: {t}");
    assert_eq!(events[0]["title"], "Status Changed");

    // The agent closes it with DELETE and a resolution; the customer reopens it with POST.
    let r = server.delete_json(&path, &agent, &json!({"resolution": "Hardware fault, replaced the printer"}));
    r.expect(204);
    let t = server.ticket(&number, &agent);
    assert_eq!(t["ticket_status"], "Closed");
    assert_eq!(t["resolution"], "Hardware fault, replaced the printer");
    let last = threads(&t).last().unwrap().clone();
    assert_eq!(last["type"], "E");
    let body = last["body"].as_str().unwrap_or_default();
    assert!(body.contains("Tina Tech") && body.contains("Hardware fault"), "{body:?}");
    let r = server.post_json(&path, &key, &json!({"email": "pat@example.com"}));
    r.expect(200);
    assert_eq!(r.json()["ticket_status"], "Open");
    // Reopening an open ticket changes nothing. (The answer above is the customer's view, without
    // agents' login names: the snapshot is the key's own.)
    let open = server.snapshot(&number, &key);
    server.post_json(&path, &key, &json!({"email": "pat@example.com"})).expect(200);
    server.assert_unchanged(&number, &key, &open, "reopening an open ticket");

    // An agent works tickets but does not manage users or topics.
    server
        .post_json("/api/users.json", &agent, &json!({"name": "New Hire", "email": "hire@example.com", "level": 1}))
        .expect_error(403, "forbidden");
    server.post_json("/api/topics.json", &agent, &json!({"value": "Agent topic"})).expect_error(403, "forbidden");
    let r = server.get("/api/users.json?level=3", &agent);
    r.expect(200);
    assert_eq!(r.total_count(), 1);
}
