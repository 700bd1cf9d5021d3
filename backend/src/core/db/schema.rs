//! The tables as diesel sees them: diesel's print-schema of the SQLite migrations, written below
//! this header by `make schema`; edit the migrations, not this file. `make test-schema` (part of
//! `make test`) fails when it differs from print-schema of either migrations/sqlite or
//! migrations/postgres. Left out, being one engine's only: SQLite's FTS5 tables and PostgreSQL's
//! generated `search_vector` columns (only core/db/search.rs reads them); see scripts/schema-normalise.py.

// @generated automatically by Diesel CLI.

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        scopes -> Text,
        allow_ip -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        entry_id -> BigInt,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        content_id -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        actor_key_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        detail -> Text,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    client_domains (domain) {
        domain -> Text,
        client_id -> BigInt,
    }
}

diesel::table! {
    client_events (id) {
        id -> BigInt,
        client_id -> BigInt,
        user_id -> Nullable<BigInt>,
        kind -> Text,
        summary -> Text,
        notes -> Text,
        happened_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    clients (id) {
        id -> BigInt,
        name -> Text,
        status -> Text,
        email -> Text,
        phone -> Text,
        address -> Text,
        website -> Text,
        notes -> Text,
        primary_contact_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> BigInt,
        client_id -> BigInt,
        user_id -> Nullable<BigInt>,
        name -> Text,
        email -> Text,
        phone -> Text,
        title -> Text,
        technical -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    drafts (ticket_id, user_id) {
        ticket_id -> BigInt,
        user_id -> BigInt,
        body -> Text,
        entry_type -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_key_id -> Nullable<BigInt>,
        target_type -> Text,
        target_id -> Text,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    help_topics (id) {
        id -> BigInt,
        name -> Text,
        queue_id -> BigInt,
        active -> Bool,
    }
}

diesel::table! {
    inbound_mail (id) {
        id -> BigInt,
        message_id -> Text,
        source -> Text,
        received_at -> Timestamp,
        outcome -> Text,
        sender -> Text,
        subject -> Text,
        ticket_id -> Nullable<BigInt>,
        entry_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        raw -> Nullable<Binary>,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_templates (kind) {
        kind -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        ticket_id -> BigInt,
        event_id -> BigInt,
        reason -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        created_at -> Timestamp,
        body_html -> Nullable<Text>,
        message_id -> Nullable<Text>,
        in_reply_to -> Nullable<Text>,
        refs -> Nullable<Text>,
        ticket_id -> Nullable<BigInt>,
        job_id -> BigInt,
        entry_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    presence (ticket_id, user_id) {
        ticket_id -> BigInt,
        user_id -> BigInt,
        seen_at -> Timestamp,
        typing_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    priorities (id) {
        id -> BigInt,
        name -> Text,
        sort -> Integer,
    }
}

diesel::table! {
    queues (id) {
        id -> BigInt,
        name -> Text,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        session_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    saved_views (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        query -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    statuses (id) {
        id -> BigInt,
        name -> Text,
        state -> Text,
        sort -> Integer,
    }
}

diesel::table! {
    thread_entries (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        entry_type -> Text,
        user_id -> Nullable<BigInt>,
        staff_id -> Nullable<BigInt>,
        poster -> Text,
        source -> Text,
        title -> Nullable<Text>,
        body -> Text,
        format -> Text,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        message_id -> Nullable<Text>,
        unverified -> Nullable<Text>,
        bcc -> Nullable<Text>,
    }
}

diesel::table! {
    ticket_assignees (ticket_id, user_id) {
        ticket_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    ticket_cc (ticket_id, user_id) {
        ticket_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    ticket_followers (ticket_id, user_id) {
        ticket_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    ticket_reads (user_id, ticket_id) {
        user_id -> BigInt,
        ticket_id -> BigInt,
        read_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> BigInt,
        number -> Text,
        subject -> Text,
        user_id -> BigInt,
        status_id -> BigInt,
        priority_id -> BigInt,
        queue_id -> BigInt,
        topic_id -> Nullable<BigInt>,
        source -> Text,
        resolution -> Nullable<Text>,
        due_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        last_message_at -> Nullable<Timestamp>,
        last_response_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        time_spent -> BigInt,
        held -> Bool,
        customer_sort -> Text,
        client_id -> Nullable<BigInt>,
        contact_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Nullable<Text>,
        email -> Text,
        fullname -> Text,
        firstname -> Text,
        lastname -> Text,
        phone -> Text,
        level -> SmallInt,
        password_hash -> Nullable<Text>,
        notes -> Text,
        timezone -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        email_confirmed_at -> Nullable<Timestamp>,
        email_notifications -> Bool,
        signature -> Text,
        language -> Nullable<Text>,
    }
}

diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(attachments -> thread_entries (entry_id));
diesel::joinable!(audit_log -> api_keys (actor_key_id));
diesel::joinable!(audit_log -> users (actor_user_id));
diesel::joinable!(client_domains -> clients (client_id));
diesel::joinable!(client_events -> clients (client_id));
diesel::joinable!(client_events -> users (user_id));
diesel::joinable!(contacts -> clients (client_id));
diesel::joinable!(contacts -> users (user_id));
diesel::joinable!(drafts -> tickets (ticket_id));
diesel::joinable!(drafts -> users (user_id));
diesel::joinable!(events -> api_keys (actor_key_id));
diesel::joinable!(events -> users (actor_user_id));
diesel::joinable!(help_topics -> queues (queue_id));
diesel::joinable!(inbound_mail -> thread_entries (entry_id));
diesel::joinable!(inbound_mail -> tickets (ticket_id));
diesel::joinable!(notifications -> events (event_id));
diesel::joinable!(notifications -> tickets (ticket_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(outbox -> jobs (job_id));
diesel::joinable!(outbox -> thread_entries (entry_id));
diesel::joinable!(outbox -> tickets (ticket_id));
diesel::joinable!(presence -> tickets (ticket_id));
diesel::joinable!(presence -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(saved_views -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(thread_entries -> tickets (ticket_id));
diesel::joinable!(ticket_assignees -> tickets (ticket_id));
diesel::joinable!(ticket_assignees -> users (user_id));
diesel::joinable!(ticket_cc -> tickets (ticket_id));
diesel::joinable!(ticket_cc -> users (user_id));
diesel::joinable!(ticket_followers -> tickets (ticket_id));
diesel::joinable!(ticket_followers -> users (user_id));
diesel::joinable!(ticket_reads -> tickets (ticket_id));
diesel::joinable!(ticket_reads -> users (user_id));
diesel::joinable!(tickets -> clients (client_id));
diesel::joinable!(tickets -> contacts (contact_id));
diesel::joinable!(tickets -> help_topics (topic_id));
diesel::joinable!(tickets -> priorities (priority_id));
diesel::joinable!(tickets -> queues (queue_id));
diesel::joinable!(tickets -> statuses (status_id));
diesel::joinable!(tickets -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    account_tokens,
    api_keys,
    attachments,
    audit_log,
    client_domains,
    client_events,
    clients,
    contacts,
    drafts,
    events,
    help_topics,
    inbound_mail,
    jobs,
    mail_templates,
    notifications,
    outbox,
    presence,
    priorities,
    queues,
    refresh_tokens,
    saved_views,
    sessions,
    settings,
    statuses,
    thread_entries,
    ticket_assignees,
    ticket_cc,
    ticket_followers,
    ticket_reads,
    tickets,
    users,
);
