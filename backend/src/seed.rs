//! `oxidesk seed --tickets N`: realistic demo data — customers, agents, clients (two customers
//! each as their contacts, with a few events), and tickets with threads of messages, responses,
//! notes and events, spread over the last year. Used for demos and benchmarks.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::catalog::rules::ticket_settings;
use crate::commands::CommandResult;
use crate::core::db::models::NewUser;
use crate::core::db::schema::{
    client_domains, client_events, clients, contacts, thread_entries, ticket_assignees, tickets, users,
};
use crate::core::db::{write_tx, AnyConnection, DbPool};
use crate::tickets::rows::{NewEntry, NewTicket};

const FIRST: &[&str] = &[
    "Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kofi", "Lena", "Mateo",
    "Nora", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara",
];
const LAST: &[&str] = &[
    "Meyer", "Okafor", "Dubois", "Rossi", "Nakamura", "Silva", "Kowalski", "Andersen", "García", "Novak", "Haddad",
    "Schmidt", "Murphy", "Ivanova", "Chen", "Müller",
];
const DEVICES: &[&str] = &[
    "laptop",
    "printer",
    "VPN",
    "Outlook",
    "Wi-Fi",
    "monitor",
    "docking station",
    "phone",
    "Teams",
    "shared drive",
    "password",
    "scanner",
    "ERP login",
    "badge reader",
];
const PROBLEMS: &[&str] = &[
    "does not start",
    "is very slow",
    "keeps disconnecting",
    "shows an error",
    "stopped working after the update",
    "cannot be reached",
    "asks for a password again and again",
    "prints blank pages",
    "needs to be set up for a new hire",
    "is locked",
];
const DETAILS: &[&str] = &[
    "It started this morning after I came back from the meeting.",
    "A colleague on the same floor has the same issue.",
    "I already restarted twice and it did not help.",
    "The error message says: access denied (0x80070005).",
    "This blocks the monthly report, which is due on Friday.",
    "It works from home but not in the office.",
];
const RESPONSES: &[&str] = &[
    "Thanks for reporting this. Could you send a screenshot of the error?",
    "I have reset the configuration on our side; please try again and tell me whether it works.",
    "We are aware of an outage affecting this service and are working on it.",
    "I will come by your desk this afternoon to look at it.",
];
const NOTES: &[&str] = &[
    "Probably the expired certificate again.",
    "Checked the logs: repeated auth failures from this host.",
    "Vendor ticket opened, waiting for an answer.",
];

/// (status id, its name, resolution) drawn with realistic weights: most tickets are closed or
/// open. The names are the default statuses' (migrations), for the status-change events.
fn draw_status(rng: &mut StdRng) -> (i64, &'static str, Option<&'static str>) {
    match rng.gen_range(0..100) {
        0..=34 => (1, "Open", None),
        35..=44 => (5, "In progress", None),
        45..=49 => (6, "On hold", None),
        50..=64 => (2, "Resolved", Some("Fixed by resetting the configuration.")),
        _ => (3, "Closed", Some("Solved; confirmed by the customer.")),
    }
}

pub fn run(pool: &DbPool, count: u64) -> CommandResult {
    let mut conn = pool.get()?;
    let mut rng = StdRng::from_entropy();
    let now = chrono::Utc::now().naive_utc();
    let run_id: u32 = rng.gen();
    let (customers, agents) = write_tx(&mut conn, |conn| people(conn, &mut rng, run_id, now, count))?;
    let clients = write_tx(&mut conn, |conn| organisations(conn, &mut rng, run_id, now, &customers))?;
    let settings = ticket_settings(&mut conn)?;
    let bar = ProgressBar::new(count);
    bar.set_style(
        ProgressStyle::with_template("{spinner} seeding [{bar:40}] {pos}/{len} tickets ({per_sec}, {eta})")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    let mut done = 0u64;
    while done < count {
        let batch = (count - done).min(2000);
        write_tx(&mut conn, |conn| {
            for i in 0..batch {
                ticket(conn, &mut rng, &customers, &agents, &clients, now, run_id, done + i)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        done += batch;
        bar.set_position(done);
    }
    // Numbers follow ids, as for tickets opened through the API.
    let placeholder = format!("seed-{run_id:08x}-%");
    diesel::sql_query(format!(
        "UPDATE tickets SET number = '{}' || CAST({} + id AS TEXT) WHERE number LIKE '{}'",
        settings.prefix.replace('\'', "''"),
        settings.number_start,
        placeholder
    ))
    .execute(&mut conn)?;
    bar.finish();
    eprintln!(
        "seeded {count} tickets for {} customers of {} clients and {} agents",
        customers.len(),
        customers.len().div_ceil(2),
        agents.len()
    );
    Ok(())
}

/// Ids and names of the customers or agents made.
type People = Vec<(i64, String)>;

fn people(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    run_id: u32,
    now: NaiveDateTime,
    tickets: u64,
) -> Result<(People, People), diesel::result::Error> {
    let customers = (tickets / 20).clamp(10, 5000);
    let mut made = (Vec::new(), Vec::new());
    for i in 0..customers + 8 {
        let first = FIRST.choose(rng).copied().unwrap_or("Alex");
        let last = LAST.choose(rng).copied().unwrap_or("Smith");
        let agent = i >= customers;
        let fullname = format!("{first} {last}");
        let email = format!(
            "{}.{}.{run_id:08x}.{i}@{}",
            first.to_lowercase(),
            last.to_lowercase(),
            if agent { "helpdesk.example" } else { "customer.example" }
        );
        let username = agent.then(|| format!("agent{i}-{run_id:08x}"));
        let id: i64 = diesel::insert_into(users::table)
            .values(NewUser {
                username: username.as_deref(),
                email: &email,
                fullname: &fullname,
                firstname: first,
                lastname: last,
                phone: "",
                level: if agent { 3 } else { 1 },
                password_hash: None,
                notes: "",
                timezone: None,
                language: None,
                created_at: now,
                updated_at: now,
                email_confirmed_at: Some(now),
            })
            .returning(users::id)
            .get_result(conn)?;
        if agent {
            made.1.push((id, fullname))
        } else {
            made.0.push((id, fullname))
        }
    }
    Ok(made)
}

const TRADES: &[&str] = &["Logistics", "Dental", "Bakery", "Architects", "Law Firm", "Garage", "Clinic", "School"];
// No closed client: its contacts could file no tickets, which demos and tests do.
const CLIENT_STATUSES: &[&str] = &["Paid", "Paid", "Paid", "Unpaid", "Prospect", "Contact", "Supplier"];
const EVENTS: &[(&str, &str)] = &[
    ("Call", "Quarterly check-in call"),
    ("Email", "Sent the renewal offer"),
    ("Meeting", "On-site visit: network review"),
    ("Note", "Prefers to be called in the morning"),
];

/// A client per two customers, who are its contacts (the first its primary contact), with a mail
/// domain and two events each: the customer's client and contact, by customer id.
fn organisations(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    run_id: u32,
    now: NaiveDateTime,
    customers: &[(i64, String)],
) -> Result<HashMap<i64, (i64, i64)>, diesel::result::Error> {
    let mut of_customer = HashMap::new();
    for (n, pair) in customers.chunks(2).enumerate() {
        let last = LAST.choose(rng).copied().unwrap_or("Smith");
        let trade = TRADES.choose(rng).copied().unwrap_or("Services");
        let client: i64 = diesel::insert_into(clients::table)
            .values((
                clients::name.eq(format!("{last} {trade} {n}")),
                clients::status.eq(CLIENT_STATUSES.choose(rng).copied().unwrap_or("Paid")),
                clients::phone.eq(format!("+1 555 {:04}", n % 10_000)),
                clients::notes.eq(""),
                clients::created_at.eq(now),
                clients::updated_at.eq(now),
            ))
            .returning(clients::id)
            .get_result(conn)?;
        diesel::insert_into(client_domains::table)
            .values((
                client_domains::domain.eq(format!("c{n}-{run_id:08x}.example")),
                client_domains::client_id.eq(client),
            ))
            .execute(conn)?;
        for (i, (customer, name)) in pair.iter().enumerate() {
            let email: String = users::table.find(customer).select(users::email).first(conn)?;
            let contact: i64 = diesel::insert_into(contacts::table)
                .values((
                    contacts::client_id.eq(client),
                    contacts::user_id.eq(customer),
                    contacts::name.eq(name),
                    contacts::email.eq(email),
                    contacts::technical.eq(i == 0),
                    contacts::created_at.eq(now),
                ))
                .returning(contacts::id)
                .get_result(conn)?;
            if i == 0 {
                diesel::update(clients::table.find(client))
                    .set(clients::primary_contact_id.eq(contact))
                    .execute(conn)?;
            }
            of_customer.insert(*customer, (client, contact));
        }
        for (kind, summary) in EVENTS.choose_multiple(rng, 2) {
            diesel::insert_into(client_events::table)
                .values((
                    client_events::client_id.eq(client),
                    client_events::kind.eq(kind),
                    client_events::summary.eq(summary),
                    client_events::notes.eq(""),
                    client_events::happened_at.eq(now - Duration::days(rng.gen_range(0..365))),
                    client_events::created_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(of_customer)
}

#[allow(clippy::too_many_arguments)]
fn ticket(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    customers: &[(i64, String)],
    agents: &[(i64, String)],
    clients: &HashMap<i64, (i64, i64)>,
    now: NaiveDateTime,
    run_id: u32,
    n: u64,
) -> Result<(), diesel::result::Error> {
    let (customer, customer_name) = customers.choose(rng).cloned().unwrap_or((1, String::new()));
    let created = now - Duration::minutes(rng.gen_range(0..525_600));
    let problem = format!(
        "{} {}",
        DEVICES.choose(rng).copied().unwrap_or("laptop"),
        PROBLEMS.choose(rng).copied().unwrap_or("is broken")
    );
    let mut letters = problem.chars();
    let subject: String = letters.next().map(|c| c.to_uppercase().chain(letters).collect()).unwrap_or_default();
    let (status_id, status_name, resolution) = draw_status(rng);
    let number = format!("seed-{run_id:08x}-{n}");
    // Nothing happens after now: the last change, and every entry before it.
    let updated = (created + Duration::minutes(rng.gen_range(5..4000))).min(now);
    let by = |minutes: i64| (created + Duration::minutes(minutes)).min(updated);
    let id: i64 = diesel::insert_into(tickets::table)
        .values(NewTicket {
            number: &number,
            subject: &subject,
            user_id: customer,
            status_id,
            priority_id: [1, 2, 2, 2, 3, 3, 4][rng.gen_range(0..7)],
            queue_id: if rng.gen_bool(0.85) { 1 } else { 2 },
            topic_id: Some(rng.gen_range(1..=4)),
            source: ["Web", "Email", "API", "Phone"][rng.gen_range(0..4)],
            due_at: Some(created + Duration::hours(48)),
            last_message_at: Some(created),
            created_at: created,
            updated_at: updated,
            held: false,
            client_id: clients.get(&customer).map(|c| c.0),
            contact_id: clients.get(&customer).map(|c| c.1),
        })
        .returning(tickets::id)
        .get_result(conn)?;
    if let Some(r) = resolution {
        diesel::update(tickets::table.find(id))
            .set((
                tickets::resolution.eq(r),
                tickets::closed_at.eq(Some(updated)),
                tickets::last_response_at.eq(Some(updated)),
            ))
            .execute(conn)?;
    }
    let message =
        format!("Hello,\n\nmy {problem}. {}\n\nThanks,\n{customer_name}", DETAILS.choose(rng).copied().unwrap_or(""));
    let mut entries =
        vec![("M", Some(customer), None, customer_name.clone(), Some(subject.as_str()), message, created)];
    let agent = agents.choose(rng).cloned();
    if let Some((agent_id, agent_name)) = agent.clone().filter(|_| rng.gen_bool(0.7)) {
        entries.push((
            "R",
            None,
            Some(agent_id),
            agent_name.clone(),
            None,
            RESPONSES.choose(rng).copied().unwrap_or("").to_owned(),
            by(30),
        ));
        if rng.gen_bool(0.3) {
            entries.push((
                "N",
                None,
                Some(agent_id),
                agent_name,
                None,
                NOTES.choose(rng).copied().unwrap_or("").to_owned(),
                by(40),
            ));
        }
        diesel::insert_into(ticket_assignees::table)
            .values((ticket_assignees::ticket_id.eq(id), ticket_assignees::user_id.eq(agent_id)))
            .execute(conn)?;
    }
    // Every ticket starts Open; one in another status got there by a change, told as the desk
    // tells it (tickets::change).
    if status_id != 1 {
        let who = agent.as_ref().map_or("SYSTEM", |(_, name)| name.as_str());
        let why = resolution.map(|r| format!(": {r}")).unwrap_or_default();
        entries.push((
            "E",
            None,
            None,
            "SYSTEM".into(),
            Some("Status Changed"),
            format!("Open → {status_name} by {who}{why}"),
            updated,
        ));
    }
    for (kind, user_id, staff_id, poster, title, body, at) in &entries {
        diesel::insert_into(thread_entries::table)
            .values(NewEntry {
                ticket_id: id,
                entry_type: kind,
                user_id: *user_id,
                staff_id: *staff_id,
                poster,
                source: "Web",
                title: *title,
                body,
                format: "text",
                created_at: *at,
            })
            .execute(conn)?;
    }
    Ok(())
}
