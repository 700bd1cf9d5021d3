//! Who hears of what: turns a ticket change or an account event into outbox rows, one per
//! recipient, inside the transaction of the change. One row per recipient keeps retries,
//! failures and opt-outs independent and never shows one person another's address.
//!
//! Recipients (NodePoint's rule, "the ticket author and users assigned", plus followers and the
//! queue's address as osTicket's department alerts): customers, and the people copied on their
//! ticket, hear of its creation, of agents' responses (and a response's blind copies go to its
//! `bcc` addresses) and of status changes; the ticket's agents (assignees and followers; the
//! queue's address for a ticket nobody looks after yet) hear of everything, internal notes
//! included. Nobody is told of their own action (but customers get the receipt of the ticket they
//! opened); people who turned notifications off, disabled
//! accounts and registrations waiting for confirmation get no ticket mail.

use std::collections::HashSet;

use diesel::prelude::*;
use shared::tickets::EntryType;
use shared::AccessLevel;

use super::templates::{self, Facts, Kind, Person, TicketFacts};
use super::{outbox, thread};
use crate::catalog::rows::QueueRow;
use crate::core::auth::{level_of, Actor};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{
    priorities, queues, statuses, thread_entries, ticket_assignees, ticket_followers, tickets, users,
};
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;
use crate::core::events::Emitted;
use crate::core::settings::Stored;
use crate::tickets::rows::TicketRow;

/// What happened to a ticket, as the mail needs it.
enum Event<'a> {
    Created {
        body: &'a Message,
    },
    /// A thread entry: a customer's message (M), an agent's response (R) or an internal note (N).
    Entry {
        kind: EntryType,
        body: &'a Message,
    },
    Status {
        from: &'a str,
        to: &'a str,
    },
    Assigned {
        added: &'a [UserRow],
        all: &'a [UserRow],
    },
}

/// A thread entry's body as stored: `format` is "text" or "html"; `bcc` where a response was
/// blind-copied. The mail showing it carries its files.
struct Message {
    entry_id: i64,
    text: String,
    format: String,
    bcc: Vec<String>,
}

/// Mail's consumer of the rules' events (features.rs): each ticket event becomes mail to the
/// people who should hear of it, queued in the change's transaction. Other events send nothing.
pub fn on_event(conn: &mut AnyConnection, emitted: &Emitted<'_>) -> ApiResult<()> {
    let payload = &emitted.event.payload;
    let Some(ticket_id) = payload["ticket_id"].as_i64().filter(|_| emitted.event.target_type == "ticket") else {
        return Ok(());
    };
    let stored = Stored::read(conn)?;
    // No SMTP server: ticket mail is off (NodePoint's rule), rather than piling up to go out,
    // stale, the day a server is set. Account mail still queues: administrators read its links
    // in the outbox.
    if super::settings::smtp(&stored).is_none() {
        return Ok(());
    }
    let (actor, url, key) = (emitted.actor, emitted.public_url, emitted.token_key);
    match emitted.event.kind {
        "ticket.create" => {
            let body = entry(conn, payload)?;
            ticket(conn, &stored, ticket_id, actor, url, key, Event::Created { body: &body })
        }
        kind @ ("ticket.message" | "ticket.response" | "ticket.note") => {
            let kind = match kind {
                "ticket.message" => EntryType::M,
                "ticket.response" => EntryType::R,
                _ => EntryType::N,
            };
            let body = entry(conn, payload)?;
            ticket(conn, &stored, ticket_id, actor, url, key, Event::Entry { kind, body: &body })
        }
        // A reply that also changes the status is one mail: the reply's, which shows the status.
        "ticket.status" if payload["with_response"] != true => {
            let (from, to) = (payload["from"].as_str().unwrap_or_default(), payload["to"].as_str().unwrap_or_default());
            ticket(conn, &stored, ticket_id, actor, url, key, Event::Status { from, to })
        }
        "ticket.assign" => {
            let ids = |key: &str| -> Vec<i64> {
                payload[key].as_array().into_iter().flatten().filter_map(|v| v.as_i64()).collect()
            };
            let added_ids = ids("added");
            if added_ids.is_empty() {
                return Ok(());
            }
            let all: Vec<UserRow> = users::table
                .filter(users::id.eq_any(ids("assignees")))
                .order(users::id)
                .select(UserRow::as_select())
                .load(conn)?;
            let added: Vec<UserRow> = all.iter().filter(|u| added_ids.contains(&u.id)).cloned().collect();
            ticket(conn, &stored, ticket_id, actor, url, key, Event::Assigned { added: &added, all: &all })
        }
        _ => Ok(()),
    }
}

/// The thread entry an event names by `entry_id`.
fn entry(conn: &mut AnyConnection, payload: &serde_json::Value) -> ApiResult<Message> {
    let id = payload["entry_id"].as_i64().unwrap_or_default();
    let (text, format, bcc): (String, String, Option<String>) = thread_entries::table
        .find(id)
        .select((thread_entries::body, thread_entries::format, thread_entries::bcc))
        .first(conn)?;
    Ok(Message {
        entry_id: id,
        text,
        format,
        bcc: bcc.as_deref().map(crate::tickets::cc::bcc_list).unwrap_or_default(),
    })
}

/// Someone to mail: a user, or a bare address (a queue's).
struct Recipient {
    user: Option<UserRow>,
    person: Person,
}

impl Recipient {
    fn user(u: &UserRow) -> Recipient {
        Recipient { person: Person { name: u.fullname.clone(), email: u.email.clone() }, user: Some(u.clone()) }
    }

    fn address(name: &str, email: &str) -> Recipient {
        Recipient { user: None, person: Person { name: name.to_owned(), email: email.to_owned() } }
    }
}

/// Ticket mail goes to people who want it and can receive it.
fn wants_ticket_mail(u: &UserRow) -> bool {
    let waiting_for_confirmation = u.password_hash.is_some() && u.email_confirmed_at.is_none();
    u.email_notifications && level_of(u) != AccessLevel::Disabled && !waiting_for_confirmation
}

/// The message as plain text and as HTML for the templates. HTML loses its remote images and
/// its links show their targets (`outgoing_html`): the mail comes from the desk's own address.
fn message_parts(body: &Message) -> (String, String) {
    if body.format == "html" {
        let mailed = super::outgoing_html::for_mail(&body.text);
        (mailed.text, mailed.html)
    } else {
        let escaped = minijinja::HtmlEscape(&body.text).to_string().replace('\n', "<br>\n");
        (body.text.clone(), format!("<p>{escaped}</p>"))
    }
}

struct TicketContext {
    ticket: TicketRow,
    customer: UserRow,
    /// The people copied on it (`tickets::cc`), who hear what its customer hears.
    copied: Vec<UserRow>,
    agents: Vec<UserRow>,
    queue: QueueRow,
    facts: TicketFacts,
}

fn load(conn: &mut AnyConnection, ticket_id: i64, public_url: &str) -> ApiResult<TicketContext> {
    let ticket: TicketRow = tickets::table.find(ticket_id).select(TicketRow::as_select()).first(conn)?;
    let customer: UserRow = users::table.find(ticket.user_id).select(UserRow::as_select()).first(conn)?;
    let status: String = statuses::table.find(ticket.status_id).select(statuses::name).first(conn)?;
    let priority: String = priorities::table.find(ticket.priority_id).select(priorities::name).first(conn)?;
    let queue: QueueRow = queues::table.find(ticket.queue_id).select(QueueRow::as_select()).first(conn)?;
    let assigned =
        ticket_assignees::table.filter(ticket_assignees::ticket_id.eq(ticket_id)).select(ticket_assignees::user_id);
    let following =
        ticket_followers::table.filter(ticket_followers::ticket_id.eq(ticket_id)).select(ticket_followers::user_id);
    let agents: Vec<UserRow> = users::table
        .filter(users::id.eq_any(assigned).or(users::id.eq_any(following)))
        .order(users::id)
        .select(UserRow::as_select())
        .load::<UserRow>(conn)?
        .into_iter()
        .filter(|u| level_of(u).is_staff())
        .collect();
    let copied = crate::tickets::cc::accounts(conn, ticket_id)?;
    let facts = TicketFacts {
        url: format!("{public_url}/tickets/{}", ticket.number),
        number: ticket.number.clone(),
        subject: ticket.subject.clone(),
        status,
        priority,
        queue: queue.name.clone(),
        customer: Person { name: customer.fullname.clone(), email: customer.email.clone() },
    };
    Ok(TicketContext { ticket, customer, copied, agents, queue, facts })
}

/// Queues the mail a ticket event sends (inside the caller's transaction).
fn ticket(
    conn: &mut AnyConnection,
    stored: &Stored,
    ticket_id: i64,
    actor: &Actor,
    public_url: &str,
    token_key: &[u8],
    event: Event<'_>,
) -> ApiResult<()> {
    let ctx = load(conn, ticket_id, public_url)?;
    let agents = || ctx.agents.iter().map(Recipient::user);
    // The queue's address stands in for agents while nobody looks after the ticket.
    let agents_or_queue = || -> Vec<Recipient> {
        match (ctx.agents.is_empty(), ctx.queue.email.as_deref().filter(|e| !e.trim().is_empty())) {
            (true, Some(address)) => vec![Recipient::address(&ctx.queue.name, address)],
            _ => agents().collect(),
        }
    };
    // The customer's side: the customer and the people copied on the ticket.
    let customers = || std::iter::once(&ctx.customer).chain(&ctx.copied).map(Recipient::user);
    let mut message = None;
    let mut entry_id = None;
    let mut status = None;
    let mut assignees = None;
    let plan: Vec<(Kind, Recipient)> = match event {
        Event::Created { body } => {
            message = Some(message_parts(body));
            entry_id = Some(body.entry_id);
            let mut plan: Vec<_> = customers().map(|r| (Kind::CreatedCustomer, r)).collect();
            plan.extend(agents_or_queue().into_iter().map(|r| (Kind::CreatedAgent, r)));
            plan
        }
        Event::Entry { kind, body } => {
            message = Some(message_parts(body));
            entry_id = Some(body.entry_id);
            match kind {
                EntryType::M => agents_or_queue().into_iter().map(|r| (Kind::ReplyAgent, r)).collect(),
                EntryType::R => {
                    let blind = body.bcc.iter().map(|email| Recipient::address("", email));
                    let mut plan: Vec<_> = customers().chain(blind).map(|r| (Kind::ReplyCustomer, r)).collect();
                    plan.extend(agents().map(|r| (Kind::ReplyAgent, r)));
                    plan
                }
                EntryType::N => agents().map(|r| (Kind::Note, r)).collect(),
                EntryType::E => Vec::new(),
            }
        }
        Event::Status { from, to } => {
            status = Some((from.to_owned(), to.to_owned()));
            customers().chain(agents()).map(|r| (Kind::Status, r)).collect()
        }
        Event::Assigned { added, all } => {
            assignees = Some(all.iter().map(|u| u.fullname.as_str()).collect::<Vec<_>>().join(", "));
            added.iter().map(|u| (Kind::Assigned, Recipient::user(u))).collect()
        }
    };
    let own = super::settings::own_addresses(stored);
    let (in_reply_to, references) = thread::headers(conn, &ctx.ticket, stored)?;
    let mut seen = HashSet::new();
    for (kind, recipient) in plan {
        let address = recipient.person.email.trim().to_lowercase();
        // The receipt of a new ticket goes to its customer even when they opened it themselves.
        // (One mail per person: a copied person's mail shows nobody else's address.)
        let is_actor =
            kind != Kind::CreatedCustomer && recipient.user.as_ref().is_some_and(|u| Some(u.id) == actor.user_id());
        let unwanted = recipient.user.as_ref().is_some_and(|u| !wants_ticket_mail(u));
        if address.is_empty() || is_actor || unwanted || own.contains(&address) || !seen.insert(address) {
            continue;
        }
        let facts = Facts {
            site_name: stored.text(&crate::core::settings::SITE_NAME),
            site_url: public_url.to_owned(),
            recipient: recipient.person.clone(),
            ticket: Some(ctx.facts.clone()),
            actor: Some(actor.display_name()),
            message: message.clone(),
            status: status.clone(),
            assignees: assignees.clone(),
            link: None,
        };
        let Some(text) = rendered(conn, kind, &facts)? else { continue };
        // A person's copy carries their reply token, so that their answer by mail is known to be theirs.
        let message_id = match &recipient.user {
            Some(u) => thread::new_id_with_token(&ctx.ticket.number, u.id, token_key, &thread::domain(stored)),
            None => thread::new_id(&ctx.ticket.number, stored),
        };
        outbox::queue(
            conn,
            outbox::Mail {
                kind: kind.as_str(),
                recipient: &recipient.person.email,
                subject: &text.subject,
                text: &text.text,
                html: Some(&text.html),
                message_id: &message_id,
                in_reply_to: Some(&in_reply_to),
                references: Some(&references),
                ticket_id: Some(ctx.ticket.id),
                entry_id,
            },
        )?;
    }
    Ok(())
}

/// The mail of this kind for these facts: the administrator's template, or the built-in one when
/// theirs fails on these values (a change is never refused because of a template).
fn rendered(conn: &mut AnyConnection, kind: Kind, facts: &Facts) -> ApiResult<Option<templates::Text>> {
    let (template, customized) = templates::current(conn, kind)?;
    match templates::render(kind, &template, facts) {
        Ok(text) => Ok(Some(text)),
        Err(errors) if customized => {
            tracing::warn!(
                kind = kind.as_str(),
                ?errors,
                "the customised mail template failed; the built-in one is used"
            );
            Ok(templates::render(kind, &kind.default_text(), facts).ok())
        }
        Err(errors) => {
            tracing::error!(kind = kind.as_str(), ?errors, "the built-in mail template failed");
            Ok(None)
        }
    }
}

/// Where an account mail's link leads.
pub enum AccountLink {
    /// A page that takes a single-use token, issued for this person when the mail leaves.
    Token(outbox::Secret),
    /// A page of the portal, for anyone (sign in, register).
    Page(&'static str),
}

/// Queues an account mail (a confirmation or reset link, or word about a registration). These
/// go out whatever the person's notification choice: they are what someone asked for.
pub fn account(
    conn: &mut AnyConnection,
    kind: Kind,
    recipient: Person,
    link: AccountLink,
    public_url: &str,
) -> ApiResult<()> {
    let url = match &link {
        AccountLink::Token(secret) => format!("{public_url}/{}?token={}", secret.purpose.page(), outbox::HIDDEN_TOKEN),
        AccountLink::Page(page) => format!("{public_url}/{page}"),
    };
    let stored = Stored::read(conn)?;
    let facts = Facts {
        site_name: stored.text(&crate::core::settings::SITE_NAME),
        site_url: public_url.to_owned(),
        recipient,
        link: Some(url),
        ..Facts::default()
    };
    let Some(text) = rendered(conn, kind, &facts)? else { return Ok(()) };
    let message_id = thread::new_id("account", &stored);
    let mail = outbox::Mail {
        kind: kind.as_str(),
        recipient: &facts.recipient.email,
        subject: &text.subject,
        text: &text.text,
        html: Some(&text.html),
        message_id: &message_id,
        in_reply_to: None,
        references: None,
        ticket_id: None,
        entry_id: None,
    };
    match link {
        AccountLink::Token(secret) => outbox::queue_secret(conn, mail, secret)?,
        AccountLink::Page(_) => outbox::queue(conn, mail)?,
    };
    Ok(())
}
