//! What each kind of mail says: built-in texts the administrator may replace, rendered with
//! MiniJinja. Values are HTML-escaped in HTML bodies (a customer's name cannot inject markup);
//! undefined values are errors, so a typo in a placeholder is caught when the template is saved.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use minijinja::value::Value;
use minijinja::{context, AutoEscape, Environment, UndefinedBehavior};
use shared::mail::{MailPreview, MailTemplate, MailTemplateInput, TEMPLATE_MAX_CHARS, TEMPLATE_OUTPUT_MAX_BYTES};

use crate::core::db::schema::mail_templates;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// The kinds of mail the desk sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    CreatedCustomer,
    CreatedAgent,
    ReplyCustomer,
    ReplyAgent,
    Note,
    Status,
    Assigned,
    AccountConfirm,
    AccountReset,
    AccountExists,
    AccountRefused,
}

/// The text of a template (or of its rendering).
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::CreatedCustomer,
        Kind::CreatedAgent,
        Kind::ReplyCustomer,
        Kind::ReplyAgent,
        Kind::Note,
        Kind::Status,
        Kind::Assigned,
        Kind::AccountConfirm,
        Kind::AccountReset,
        Kind::AccountExists,
        Kind::AccountRefused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CreatedCustomer => "ticket.created.customer",
            Kind::CreatedAgent => "ticket.created.agent",
            Kind::ReplyCustomer => "ticket.reply.customer",
            Kind::ReplyAgent => "ticket.reply.agent",
            Kind::Note => "ticket.note",
            Kind::Status => "ticket.status",
            Kind::Assigned => "ticket.assigned",
            Kind::AccountConfirm => "account.confirm",
            Kind::AccountReset => "account.reset",
            Kind::AccountExists => "account.exists",
            Kind::AccountRefused => "account.refused",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn description(self) -> &'static str {
        match self {
            Kind::CreatedCustomer => "A new ticket: the receipt to the customer",
            Kind::CreatedAgent => "A new ticket: the alert to its agents (assignees, followers, the queue's address)",
            Kind::ReplyCustomer => "An agent answered: to the customer",
            Kind::ReplyAgent => "A new message on a ticket: to its agents",
            Kind::Note => "An internal note: to the ticket's agents only",
            Kind::Status => "The ticket's status changed",
            Kind::Assigned => "An agent was assigned the ticket",
            Kind::AccountConfirm => "Confirm an email address (registration)",
            Kind::AccountReset => "Reset a forgotten password",
            Kind::AccountExists => "Someone registered with the address of an existing account: to its owner",
            Kind::AccountRefused => "A registration's user name was taken, or its address looked like another's",
        }
    }

    /// Ticket mail begins with the reply marker and threads onto its ticket.
    pub fn is_ticket(self) -> bool {
        !matches!(self, Kind::AccountConfirm | Kind::AccountReset | Kind::AccountExists | Kind::AccountRefused)
    }

    fn has_message(self) -> bool {
        matches!(self, Kind::CreatedCustomer | Kind::CreatedAgent | Kind::ReplyCustomer | Kind::ReplyAgent | Kind::Note)
    }

    /// The values a template of this kind may use.
    pub fn placeholders(self) -> Vec<&'static str> {
        let mut names = vec!["site.name", "site.url", "recipient.name", "recipient.email"];
        if self.is_ticket() {
            names.extend([
                "ticket.number",
                "ticket.subject",
                "ticket.status",
                "ticket.priority",
                "ticket.queue",
                "ticket.url",
                "ticket.customer.name",
                "ticket.customer.email",
                "actor.name",
            ]);
        } else {
            names.push("link");
        }
        if self.has_message() {
            names.extend(["message.text", "message.html"]);
        }
        match self {
            Kind::Status => names.extend(["status.from", "status.to"]),
            Kind::Assigned => names.push("assignees"),
            _ => {}
        }
        names
    }

    /// The built-in text.
    pub fn default_text(self) -> Text {
        let (subject, text, html) = match self {
            Kind::CreatedCustomer => (
                "{{ ticket.subject }}",
                "Hello {{ recipient.name }},\n\nwe received your request and will answer as soon as we can. Its number is {{ ticket.number }}; reply to this mail to add to it.\n\n{{ message.text }}\n\n{{ ticket.url }}\n\n{{ site.name }}",
                "<p>Hello {{ recipient.name }},</p><p>we received your request and will answer as soon as we can. Its number is <b>{{ ticket.number }}</b>; reply to this mail to add to it.</p><blockquote>{{ message.html }}</blockquote><p><a href=\"{{ ticket.url }}\">{{ ticket.url }}</a></p><p>{{ site.name }}</p>",
            ),
            Kind::CreatedAgent => (
                "New ticket: {{ ticket.subject }}",
                "{{ ticket.customer.name }} <{{ ticket.customer.email }}> opened {{ ticket.number }} in {{ ticket.queue }} ({{ ticket.priority }}):\n\n{{ message.text }}\n\n{{ ticket.url }}",
                "<p>{{ ticket.customer.name }} &lt;{{ ticket.customer.email }}&gt; opened <b>{{ ticket.number }}</b> in {{ ticket.queue }} ({{ ticket.priority }}):</p><blockquote>{{ message.html }}</blockquote><p><a href=\"{{ ticket.url }}\">{{ ticket.url }}</a></p>",
            ),
            Kind::ReplyCustomer => (
                "{{ ticket.subject }}",
                "{{ message.text }}\n\n{{ actor.name }}, {{ site.name }}\n\nStatus: {{ ticket.status }} · {{ ticket.url }}",
                "{{ message.html }}<p>{{ actor.name }}, {{ site.name }}</p><p style=\"color:#666\">Status: {{ ticket.status }} · <a href=\"{{ ticket.url }}\">{{ ticket.number }}</a></p>",
            ),
            Kind::ReplyAgent => (
                "{{ ticket.subject }}",
                "{{ actor.name }} wrote on {{ ticket.number }}:\n\n{{ message.text }}\n\n{{ ticket.url }}",
                "<p>{{ actor.name }} wrote on <b>{{ ticket.number }}</b>:</p><blockquote>{{ message.html }}</blockquote><p><a href=\"{{ ticket.url }}\">{{ ticket.url }}</a></p>",
            ),
            Kind::Note => (
                "Internal note: {{ ticket.subject }}",
                "{{ actor.name }} added an internal note to {{ ticket.number }} (the customer does not see it):\n\n{{ message.text }}\n\n{{ ticket.url }}",
                "<p>{{ actor.name }} added an internal note to <b>{{ ticket.number }}</b> (the customer does not see it):</p><blockquote>{{ message.html }}</blockquote><p><a href=\"{{ ticket.url }}\">{{ ticket.url }}</a></p>",
            ),
            Kind::Status => (
                "{{ ticket.subject }} is {{ status.to }}",
                "Hello {{ recipient.name }},\n\n{{ actor.name }} changed the status of {{ ticket.number }} from {{ status.from }} to {{ status.to }}.\n\n{{ ticket.url }}\n\n{{ site.name }}",
                "<p>Hello {{ recipient.name }},</p><p>{{ actor.name }} changed the status of <b>{{ ticket.number }}</b> from {{ status.from }} to <b>{{ status.to }}</b>.</p><p><a href=\"{{ ticket.url }}\">{{ ticket.url }}</a></p><p>{{ site.name }}</p>",
            ),
            Kind::Assigned => (
                "Assigned to you: {{ ticket.subject }}",
                "{{ actor.name }} assigned {{ ticket.number }} to {{ assignees }}.\n\n{{ ticket.url }}",
                "<p>{{ actor.name }} assigned <b>{{ ticket.number }}</b> to {{ assignees }}.</p><p><a href=\"{{ ticket.url }}\">{{ ticket.url }}</a></p>",
            ),
            Kind::AccountConfirm => (
                "Confirm your email address for {{ site.name }}",
                "Hello {{ recipient.name }},\n\nplease confirm that this address is yours by opening this link within 48 hours:\n\n{{ link }}\n\nIf you did not create an account at {{ site.name }}, ignore this mail.",
                "<p>Hello {{ recipient.name }},</p><p>please confirm that this address is yours by opening this link within 48 hours:</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>If you did not create an account at {{ site.name }}, ignore this mail.</p>",
            ),
            Kind::AccountReset => (
                "Reset your {{ site.name }} password",
                "Hello {{ recipient.name }},\n\nsomeone (hopefully you) asked to reset your password. Open this link within an hour to choose a new one:\n\n{{ link }}\n\nIf you did not ask, ignore this mail: your password stays as it is.",
                "<p>Hello {{ recipient.name }},</p><p>someone (hopefully you) asked to reset your password. Open this link within an hour to choose a new one:</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>If you did not ask, ignore this mail: your password stays as it is.</p>",
            ),
            Kind::AccountExists => (
                "Your account at {{ site.name }}",
                "Hello {{ recipient.name }},\n\nsomeone (hopefully you) tried to register at {{ site.name }} with this address. It already has an account: yours. Sign in with it; if you do not know its password, set one here:\n\n{{ link }}\n\nIf it was not you, ignore this mail: nothing has changed.",
                "<p>Hello {{ recipient.name }},</p><p>someone (hopefully you) tried to register at {{ site.name }} with this address. It already has an account: yours. Sign in with it; if you do not know its password, set one here:</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>If it was not you, ignore this mail: nothing has changed.</p>",
            ),
            Kind::AccountRefused => (
                "Your registration at {{ site.name }}",
                "Hello,\n\nsomeone (hopefully you) tried to register at {{ site.name }} with this address, but the user name they chose is taken, or the address looks too much like one already in use. No account was made. To register, choose another user name or address:\n\n{{ link }}\n\nIf it was not you, ignore this mail.",
                "<p>Hello,</p><p>someone (hopefully you) tried to register at {{ site.name }} with this address, but the user name they chose is taken, or the address looks too much like one already in use. No account was made. To register, choose another user name or address:</p><p><a href=\"{{ link }}\">{{ link }}</a></p><p>If it was not you, ignore this mail.</p>",
            ),
        };
        Text { subject: subject.into(), text: text.into(), html: html.into() }
    }
}

/// Someone named in a mail.
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// The ticket a mail is about.
#[derive(Debug, Clone, Default)]
pub struct TicketFacts {
    pub number: String,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub queue: String,
    pub url: String,
    pub customer: Person,
}

/// Everything a template may show.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub site_name: String,
    pub site_url: String,
    pub recipient: Person,
    pub ticket: Option<TicketFacts>,
    pub actor: Option<String>,
    /// The message as text, and as (already sanitised) HTML.
    pub message: Option<(String, String)>,
    pub status: Option<(String, String)>,
    pub assignees: Option<String>,
    pub link: Option<String>,
}

fn person(p: &Person) -> Value {
    context! { name => p.name, email => p.email }
}

impl Facts {
    fn context(&self) -> Value {
        let mut values: HashMap<&str, Value> = HashMap::new();
        values.insert("site", context! { name => self.site_name, url => self.site_url });
        values.insert("recipient", person(&self.recipient));
        if let Some(t) = &self.ticket {
            values.insert(
                "ticket",
                context! {
                    number => t.number, subject => t.subject, status => t.status, priority => t.priority,
                    queue => t.queue, url => t.url, customer => person(&t.customer),
                },
            );
        }
        if let Some(actor) = &self.actor {
            values.insert("actor", context! { name => actor });
        }
        if let Some((text, html)) = &self.message {
            // The HTML was sanitised when it was stored and made fit to mail (`outgoing_html`):
            // it goes into HTML bodies as markup.
            values.insert("message", context! { text => text, html => Value::from_safe_string(html.clone()) });
        }
        if let Some((from, to)) = &self.status {
            values.insert("status", context! { from => from, to => to });
        }
        if let Some(assignees) = &self.assignees {
            values.insert("assignees", Value::from(assignees.clone()));
        }
        if let Some(link) = &self.link {
            values.insert("link", Value::from(link.clone()));
        }
        Value::from_iter(values)
    }

    /// Example values for previews and for checking a template before it is saved.
    pub fn sample(kind: Kind) -> Facts {
        let jane = Person { name: "Jane Customer".into(), email: "jane@example.com".into() };
        let ticket = kind.is_ticket().then(|| TicketFacts {
            number: "TCK-1042".into(),
            subject: "Printer on fire".into(),
            status: "Open".into(),
            priority: "High".into(),
            queue: "Support".into(),
            url: "https://desk.example.com/tickets/TCK-1042".into(),
            customer: jane.clone(),
        });
        let text = "The printer on the second floor <b>smokes</b> when it prints.";
        Facts {
            site_name: "ACME IT".into(),
            site_url: "https://desk.example.com".into(),
            recipient: jane,
            actor: kind.is_ticket().then(|| "Sam Agent".into()),
            message: kind.has_message().then(|| (text.into(), format!("<p>{}</p>", minijinja::HtmlEscape(text)))),
            status: (kind == Kind::Status).then(|| ("Open".into(), "Resolved".into())),
            assignees: (kind == Kind::Assigned).then(|| "Sam Agent".into()),
            link: (!kind.is_ticket()).then(|| "https://desk.example.com/confirm?token=…".into()),
            ticket,
        }
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // `{% if message %}` may test a value that is absent; printing one is an error.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|name| if name.ends_with(".html") { AutoEscape::Html } else { AutoEscape::None });
    // A template that loops forever cannot stall the mail worker.
    env.set_fuel(Some(200_000));
    env
}

/// The most a rendered subject may hold, in bytes: a mail subject is a line.
const SUBJECT_OUTPUT_MAX_BYTES: usize = 2_000;

/// A sink that refuses to grow past its limit: a loop over the message cannot make a mail of
/// gigabytes.
struct Capped {
    out: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len() + buf.len() > self.limit {
            return Err(std::io::Error::other("too long"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn render_one(env: &Environment<'_>, name: &str, source: &str, ctx: &Value, limit: usize) -> Result<String, String> {
    let describe = |e: minijinja::Error| {
        let mut message = e.to_string();
        if let Some(detail) = e.detail() {
            message = format!("{message}: {detail}");
        }
        message
    };
    let template = env.template_from_named_str(name, source).map_err(describe)?;
    let mut sink = Capped { out: Vec::new(), limit };
    match template.render_captured_to(ctx, &mut sink) {
        Ok(_) => Ok(String::from_utf8_lossy(&sink.out).into_owned()),
        Err(e) if e.kind() == minijinja::ErrorKind::WriteFailure => {
            Err(format!("renders to more than {} KiB", limit / 1024))
        }
        Err(e) => Err(describe(e)),
    }
}

/// The template rendered with these facts. The subject always carries the ticket number in
/// brackets (replies find their ticket by it), and ticket mail begins with the reply marker
/// (the fetcher cuts quoted history there).
pub fn render(kind: Kind, template: &Text, facts: &Facts) -> Result<Text, BTreeErrors> {
    let env = environment();
    let ctx = facts.context();
    let mut errors = BTreeErrors::new();
    let part = |field: &str, name: &str, source: &str| {
        let limit = if field == "subject" { SUBJECT_OUTPUT_MAX_BYTES } else { TEMPLATE_OUTPUT_MAX_BYTES };
        render_one(&env, name, source, &ctx, limit)
    };
    let mut part = |field: &str, name: &str, source: &str| match part(field, name, source) {
        Ok(s) => s,
        Err(e) => {
            errors.insert(field.to_owned(), e);
            String::new()
        }
    };
    let subject = part("subject", "subject.txt", &template.subject);
    let text = part("body_text", "body.txt", &template.text);
    let html = part("body_html", "body.html", &template.html);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut subject: String =
        subject.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned();
    let (mut text, mut html) = (text, html);
    if let (true, Some(ticket)) = (kind.is_ticket(), &facts.ticket) {
        let tag = format!("[{}]", ticket.number);
        if !subject.contains(&tag) {
            subject = format!("{tag} {subject}");
        }
        text = format!("{}\n\n{text}", super::REPLY_MARKER);
        html = format!("<div style=\"color:#999\">{}</div>{html}", super::REPLY_MARKER);
    }
    Ok(Text { subject, text, html })
}

pub type BTreeErrors = std::collections::BTreeMap<String, String>;

/// The administrator's version of a kind, or the built-in one.
pub fn current(conn: &mut AnyConnection, kind: Kind) -> ApiResult<(Text, bool)> {
    let stored: Option<(String, String, String)> = mail_templates::table
        .find(kind.as_str())
        .select((mail_templates::subject, mail_templates::body_text, mail_templates::body_html))
        .first(conn)
        .optional()?;
    Ok(match stored {
        Some((subject, text, html)) => (Text { subject, text, html }, true),
        None => (kind.default_text(), false),
    })
}

pub fn view(kind: Kind, text: Text, customized: bool) -> MailTemplate {
    MailTemplate {
        kind: kind.as_str().into(),
        description: kind.description().into(),
        subject: text.subject,
        body_text: text.text,
        body_html: text.html,
        customized,
        placeholders: kind.placeholders().into_iter().map(String::from).collect(),
    }
}

/// Checks a template as typed: sizes, then a rendering with example values (which finds syntax
/// errors and unknown placeholders). The rendering is the preview.
pub fn check(kind: Kind, input: &MailTemplateInput) -> ApiResult<(Text, MailPreview)> {
    let mut errors = BTreeErrors::new();
    let text =
        Text { subject: input.subject.trim().to_owned(), text: input.body_text.clone(), html: input.body_html.clone() };
    for (field, value) in [("subject", &text.subject), ("body_text", &text.text), ("body_html", &text.html)] {
        if value.chars().count() > TEMPLATE_MAX_CHARS {
            errors.insert(field.into(), format!("must be at most {TEMPLATE_MAX_CHARS} characters"));
        }
    }
    if text.subject.is_empty() {
        errors.insert("subject".into(), "is required".into());
    }
    if text.text.trim().is_empty() {
        errors.insert("body_text".into(), "is required".into());
    }
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let rendered = render(kind, &text, &Facts::sample(kind)).map_err(ApiError::InvalidFields)?;
    if rendered.subject.is_empty() {
        return Err(ApiError::field("subject", "renders as nothing"));
    }
    Ok((text, MailPreview { subject: rendered.subject, body_text: rendered.text, body_html: rendered.html }))
}

/// Saves the administrator's version (inside the caller's transaction).
pub fn save(conn: &mut AnyConnection, kind: Kind, text: &Text, now: NaiveDateTime) -> ApiResult<()> {
    let values = (
        mail_templates::subject.eq(&text.subject),
        mail_templates::body_text.eq(&text.text),
        mail_templates::body_html.eq(&text.html),
        mail_templates::updated_at.eq(now),
    );
    let updated = diesel::update(mail_templates::table.find(kind.as_str())).set(values).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(mail_templates::table)
            .values((mail_templates::kind.eq(kind.as_str()), values))
            .execute(conn)?;
    }
    Ok(())
}

/// Back to the built-in text; false when it was not customised.
pub fn reset(conn: &mut AnyConnection, kind: Kind) -> ApiResult<bool> {
    Ok(diesel::delete(mail_templates::table.find(kind.as_str())).execute(conn)? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendering_is_cut_off_at_its_size_limit() {
        let kind = Kind::ReplyAgent;
        let mut facts = Facts::sample(kind);
        let big = "x".repeat(shared::validate::MESSAGE_MAX_BYTES);
        facts.message = Some((big.clone(), big));
        // The largest message, quoted once, fits.
        assert!(render(kind, &kind.default_text(), &facts).is_ok());
        let looped = Text {
            subject: "{% for i in range(10) %}{{ ticket.subject }}{% endfor %}".repeat(20),
            text: "{% for i in range(10) %}{{ message.text }}{% endfor %}".into(),
            html: "{{ message.html }}".into(),
        };
        let errors = render(kind, &looped, &facts).unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["body_text", "subject"], "{errors:?}");
        assert!(errors["body_text"].contains("renders to more than 4096 KiB"), "{errors:?}");
    }

    #[test]
    fn every_built_in_template_renders_with_its_placeholders() {
        for kind in Kind::ALL {
            let rendered =
                render(kind, &kind.default_text(), &Facts::sample(kind)).unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
            assert!(!rendered.subject.is_empty());
            if kind.is_ticket() {
                assert!(rendered.subject.starts_with("[TCK-1042] "), "{}", rendered.subject);
                assert!(rendered.text.starts_with(crate::mail::REPLY_MARKER));
            }
        }
    }

    #[test]
    fn values_are_escaped_in_html_only_and_unknown_names_are_errors() {
        let kind = Kind::ReplyCustomer;
        let mut facts = Facts::sample(kind);
        facts.recipient.name = "<script>x</script>".into();
        let t = Text {
            subject: "Hi {{ recipient.name }}".into(),
            text: "{{ recipient.name }}".into(),
            html: "{{ recipient.name }} {{ message.html }}".into(),
        };
        let r = render(kind, &t, &facts).unwrap();
        assert!(r.text.ends_with("<script>x</script>"));
        assert!(r.html.contains("&lt;script&gt;x&lt;&#x2f;script&gt; <p>"), "{}", r.html);
        let bad = MailTemplateInput {
            subject: "{{ ticket.nope }}".into(),
            body_text: "{% if %}".into(),
            body_html: String::new(),
        };
        match check(kind, &bad) {
            Err(ApiError::InvalidFields(f)) => assert_eq!(f.keys().collect::<Vec<_>>(), ["body_text", "subject"]),
            other => panic!("{other:?}"),
        }
        let status_only =
            MailTemplateInput { subject: "x".into(), body_text: "{{ message.text }}".into(), body_html: String::new() };
        assert!(check(Kind::Status, &status_only).is_err(), "a status mail has no message");
    }

    #[test]
    fn endless_templates_stop() {
        let t = MailTemplateInput {
            subject: "x".into(),
            body_text: "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}".into(),
            body_html: String::new(),
        };
        assert!(check(Kind::Note, &t).is_err());
    }
}
