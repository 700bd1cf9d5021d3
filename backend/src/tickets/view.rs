//! Rows → the ticket JSON of the API. Loads a page of tickets with their people, statuses and
//! threads in four queries whatever the page size.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::catalog::StatusState;
use shared::tickets::{
    Assignee, Attachment, EntryType, NameParts, ThreadEntry, ThreadMessage, Ticket, TicketUser, UserName,
};

use shared::clients::Named;

use crate::catalog::rows::{PriorityRow, QueueRow, StatusRow, TopicRow};
use crate::catalog::rules::status_state;
use crate::core::auth::Actor;
use crate::core::db::models::UserRow;
use crate::core::db::schema::{
    attachments, help_topics, priorities, queues, statuses, thread_entries, ticket_assignees, ticket_followers,
    tickets, users,
};
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;
use crate::core::time::timestamp;
use crate::tickets::rows::{AttachmentRow, EntryRow, TicketRow};

/// Loads `query` for these ids. One id (a ticket page, the most frequent case) filters with `=`,
/// which diesel can keep as a prepared statement; a list of ids cannot be cached on SQLite.
macro_rules! by_ids {
    ($query:expr, $column:expr, $ids:expr, $conn:expr) => {
        match $ids {
            [id] => $query.filter($column.eq(*id)).load($conn)?,
            ids => $query.filter($column.eq_any(ids)).load($conn)?,
        }
    };
}

type Joined = (TicketRow, UserRow, StatusRow, PriorityRow, QueueRow, Option<TopicRow>);

/// Builds the JSON of the tickets with these ids, in the order given. Internal notes, and the
/// login names of the agents assigned and following, are included only for agents (`agent_view`):
/// others see agents by their display names, since a login name is half of a sign-in.
pub fn render(conn: &mut AnyConnection, ids: &[i64], with_threads: bool, viewer: &Actor) -> ApiResult<Vec<Ticket>> {
    let agent_view = viewer.is_staff();
    let query = tickets::table
        .inner_join(users::table.on(tickets::user_id.eq(users::id)))
        .inner_join(statuses::table.on(tickets::status_id.eq(statuses::id)))
        .inner_join(priorities::table.on(tickets::priority_id.eq(priorities::id)))
        .inner_join(queues::table.on(tickets::queue_id.eq(queues::id)))
        .left_join(help_topics::table.on(tickets::topic_id.eq(help_topics::id.nullable())))
        .select((
            TicketRow::as_select(),
            UserRow::as_select(),
            StatusRow::as_select(),
            PriorityRow::as_select(),
            QueueRow::as_select(),
            Option::<TopicRow>::as_select(),
        ));
    let mut rows: Vec<Joined> = by_ids!(query, tickets::id, ids, conn);
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| position.get(&r.0.id).copied().unwrap_or(usize::MAX));
    let mut threads = if with_threads { load_threads(conn, ids, agent_view)? } else { HashMap::new() };
    let mut assignees = load_assignees(conn, ids, agent_view)?;
    let mut followers = load_followers(conn, ids, agent_view)?;
    let mut cc = super::cc::of_tickets(conn, ids)?;
    let drafts = match viewer.user_id() {
        Some(user_id) => super::drafts::marked(conn, user_id, ids)?,
        None => Default::default(),
    };
    // What an agent has read (crate::notifications); others have no unread state.
    let reads = match viewer.user_id().filter(|_| agent_view) {
        Some(user_id) => Some(crate::notifications::reads::read_at(conn, user_id, ids)?),
        None => None,
    };
    let read_at = |ticket_id: i64| reads.as_ref().map(|r| r.get(&ticket_id).copied());
    let client_ids: Vec<i64> = rows.iter().filter_map(|r| r.0.client_id).collect();
    let contact_ids: Vec<i64> = rows.iter().filter_map(|r| r.0.contact_id).collect();
    let (clients, contacts) = crate::clients::tickets::names(conn, &client_ids, &contact_ids)?;
    let named = |id: Option<i64>, names: &HashMap<i64, String>| {
        id.and_then(|id| names.get(&id).map(|name| Named { id, name: name.clone() }))
    };
    Ok(rows
        .into_iter()
        .map(|(t, user, status, priority, queue, topic)| Ticket {
            ticket_number: t.number,
            subject: t.subject,
            ticket_status: status.name.clone(),
            status_id: status.id,
            status_state: status_state(&status),
            priority: priority.name,
            priority_id: priority.id,
            department: queue.name,
            queue_id: queue.id,
            create_timestamp: timestamp(t.created_at),
            updated_timestamp: timestamp(t.updated_at),
            user: TicketUser {
                id: user.id,
                fullname: user.fullname,
                firstname: user.firstname,
                lastname: user.lastname,
                email: user.email,
                phone: user.phone,
                timezone: user.timezone.filter(|z| !z.trim().is_empty()),
                language: user.language.filter(|l| !l.trim().is_empty()),
            },
            source: t.source,
            due_timestamp: t.due_at.map(timestamp),
            close_timestamp: t.closed_at.map(timestamp),
            resolution: t.resolution,
            topic: topic.as_ref().map(|tp| tp.name.clone()),
            topic_id: topic.map(|tp| tp.id),
            last_message_timestamp: t.last_message_at.map(timestamp),
            last_response_timestamp: t.last_response_at.map(timestamp),
            assigned_to: assignees.remove(&t.id).unwrap_or_default(),
            followers: followers.remove(&t.id).unwrap_or_default(),
            time_spent: t.time_spent,
            version: t.version,
            held: t.held,
            draft: drafts.contains(&t.id),
            unread: unread_since(read_at(t.id), Some(t.updated_at)),
            unread_message: unread_since(read_at(t.id), t.last_message_at),
            waiting_for: waiting_for(status_state(&status), t.last_message_at, t.last_response_at),
            cc: cc.remove(&t.id).unwrap_or_default(),
            client: named(t.client_id, &clients),
            contact: named(t.contact_id, &contacts),
            threads: threads.remove(&t.id).unwrap_or_default(),
        })
        .collect())
}

/// Whether something at `changed` is news to an agent who last read the ticket at `read`
/// (`Some(None)`: never; `None`: not an agent, who has no unread state).
fn unread_since(read: Option<Option<NaiveDateTime>>, changed: Option<NaiveDateTime>) -> bool {
    match (read, changed) {
        (Some(read), Some(changed)) => read.is_none_or(|read| changed > read),
        _ => false,
    }
}

/// Whose turn it is on an active ticket: the customer's when an agent answered after their last
/// message.
fn waiting_for(state: StatusState, message: Option<NaiveDateTime>, response: Option<NaiveDateTime>) -> Option<String> {
    state.is_active().then(|| {
        let answered = response.is_some_and(|r| message.is_none_or(|m| r > m));
        if answered { "customer" } else { "agent" }.to_owned()
    })
}

fn load_threads(
    conn: &mut AnyConnection,
    ticket_ids: &[i64],
    include_notes: bool,
) -> ApiResult<HashMap<i64, Vec<ThreadEntry>>> {
    // Bound rather than left out, so one cached statement serves agents and customers.
    let hidden = if include_notes { "" } else { EntryType::N.as_str() };
    let query = thread_entries::table
        .left_join(attachments::table.on(attachments::entry_id.eq(thread_entries::id)))
        .filter(thread_entries::entry_type.ne(hidden))
        .select((EntryRow::as_select(), Option::<AttachmentRow>::as_select()))
        .order((thread_entries::ticket_id, thread_entries::id, attachments::id));
    let rows: Vec<(EntryRow, Option<AttachmentRow>)> = by_ids!(query, thread_entries::ticket_id, ticket_ids, conn);
    let mut threads: HashMap<i64, Vec<ThreadEntry>> = HashMap::new();
    for (entry, attachment) in rows {
        let list = threads.entry(entry.ticket_id).or_default();
        if list.last().map(|e| e.id) != Some(entry.id) {
            list.push(entry_view(entry, include_notes));
        }
        if let (Some(a), Some(last)) = (attachment, list.last_mut()) {
            last.attachments.push(Attachment {
                href: format!("/api/attachments/{}", a.id),
                id: a.id,
                filename: a.filename,
                content_type: a.content_type,
                size: a.size,
                sha256: a.sha256,
                content_id: a.content_id,
            });
        }
    }
    Ok(threads)
}

/// One entry; `agent_view` adds what only agents see (why a mail's sender is not verified).
fn entry_view(e: EntryRow, agent_view: bool) -> ThreadEntry {
    let entry_type = EntryType::parse(&e.entry_type).unwrap_or(EntryType::E);
    let user_name = e.user_id.filter(|_| entry_type == EntryType::M).map(|_| name_of(&e.poster));
    let staff_name = e.staff_id.map(|_| e.poster.clone());
    ThreadEntry {
        id: e.id,
        pid: 0,
        thread_id: e.ticket_id,
        staff_id: e.staff_id,
        user_id: e.user_id,
        entry_type,
        poster: e.poster,
        editor: None,
        source: e.source,
        title: e.title,
        message: ThreadMessage {
            body: e.body.clone(),
            format: e.format.clone(),
            stripped_images: Vec::new(),
            embedded_images: Vec::new(),
        },
        body: e.body,
        format: e.format,
        created: timestamp(e.created_at),
        updated: e.updated_at.map(timestamp),
        staff_name,
        user_name,
        attachments: Vec::new(),
        unverified: e.unverified.filter(|_| agent_view),
        bcc: e.bcc.as_deref().filter(|_| agent_view).map(super::cc::bcc_list),
    }
}

fn name_of(full: &str) -> UserName {
    let (first, last) = match full.rsplit_once(' ') {
        Some((f, l)) => (f.to_owned(), l.to_owned()),
        None => (full.to_owned(), String::new()),
    };
    UserName {
        format: "original".into(),
        parts: NameParts { salutation: String::new(), first, suffix: String::new(), last, middle: String::new() },
        name: full.to_owned(),
    }
}

type People = HashMap<i64, Vec<Assignee>>;

fn group_people(rows: Vec<(i64, i64, String, Option<String>)>, with_logins: bool) -> People {
    let mut map: People = HashMap::new();
    for (ticket_id, id, name, username) in rows {
        let username = username.filter(|_| with_logins);
        map.entry(ticket_id).or_default().push(Assignee { id, name, username });
    }
    map
}

fn load_assignees(conn: &mut AnyConnection, ticket_ids: &[i64], with_logins: bool) -> ApiResult<People> {
    let query = ticket_assignees::table
        .inner_join(users::table.on(users::id.eq(ticket_assignees::user_id)))
        .select((ticket_assignees::ticket_id, users::id, users::fullname, users::username))
        .order((ticket_assignees::ticket_id, users::id));
    Ok(group_people(by_ids!(query, ticket_assignees::ticket_id, ticket_ids, conn), with_logins))
}

fn load_followers(conn: &mut AnyConnection, ticket_ids: &[i64], with_logins: bool) -> ApiResult<People> {
    let query = ticket_followers::table
        .inner_join(users::table.on(users::id.eq(ticket_followers::user_id)))
        .select((ticket_followers::ticket_id, users::id, users::fullname, users::username))
        .order((ticket_followers::ticket_id, users::id));
    Ok(group_people(by_ids!(query, ticket_followers::ticket_id, ticket_ids, conn), with_logins))
}
