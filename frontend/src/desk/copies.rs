//! Who is copied on a ticket, as agents write it: the "Cc" field of a response (kept on the
//! ticket: they get its customer mail and may answer) and its "Bcc" (this response only, seen
//! by agents alone), and the CC of a new ticket. Addresses are typed as in a mail program:
//! `bea@example.com, Carl Doe <carl@example.com>`.

use leptos::prelude::*;
use shared::tickets::{Participant, Ticket, TicketUpdate, CC_MAX};
use shared::validate::{address_list, mailbox};
use ui::api::ApiError;
use ui::components::catalog::Catalog;
use ui::components::composer::{Draft, ReplyExtra, ReplyMode};
use ui::components::form::{show_server_errors, Checks, FieldErrors, TextField};

/// The addresses in a field, each checked; the message says which one is wrong.
pub fn checked_list(text: &str) -> Result<Vec<String>, String> {
    let list = address_list(text);
    if list.len() > CC_MAX {
        return Err(format!("may name at most {CC_MAX} people"));
    }
    for entry in &list {
        mailbox(entry).map_err(|reason| format!("“{entry}” {reason}"))?;
    }
    Ok(list)
}

/// The addresses of a list, in the form the server compares (`mailbox` lowercases them).
fn addresses(list: &[String]) -> Vec<String> {
    let mut found: Vec<String> =
        list.iter().filter_map(|a| mailbox(a).ok()).map(|(email, _)| email.as_str().to_owned()).collect();
    found.sort();
    found.dedup();
    found
}

/// The participants as a field shows them.
fn written(people: &[Participant]) -> String {
    people
        .iter()
        .map(|p| match p.name.contains([',', ';', '"', '<']) {
            true => format!("\"{}\" <{}>", p.name.replace('"', ""), p.email),
            false => format!("{} <{}>", p.name, p.email),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The composer's Cc and Bcc, on responses (`ReplyExtra`).
pub fn reply_copies(ticket: Memo<Option<Ticket>>, draft: Draft, _catalog: Catalog) -> Box<dyn ReplyExtra> {
    let copies = ReplyCopies {
        ticket,
        draft,
        cc: RwSignal::new(String::new()),
        bcc: RwSignal::new(String::new()),
        shown: StoredValue::new(String::new()),
        errors: RwSignal::new(FieldErrors::new()),
        open: RwSignal::new(false),
    };
    // The field shows the ticket's participants as they are, unless the agent is changing them;
    // the fields are open while anyone is copied (else behind "Cc / Bcc", as in a mail program).
    Effect::new(move |_| {
        let now = ticket.with(|t| t.as_ref().map(|t| written(&t.cc))).unwrap_or_default();
        if copies.cc.get_untracked() == copies.shown.get_value() {
            copies.cc.set(now.clone());
        }
        if !now.is_empty() {
            copies.open.set(true);
        }
        copies.shown.set_value(now);
    });
    Box::new(copies)
}

#[derive(Clone, Copy)]
struct ReplyCopies {
    ticket: Memo<Option<Ticket>>,
    draft: Draft,
    cc: RwSignal<String>,
    bcc: RwSignal<String>,
    /// What the field last showed of the ticket: text still equal to it is not the agent's.
    shown: StoredValue<String>,
    errors: RwSignal<FieldErrors>,
    /// The fields are shown.
    open: RwSignal<bool>,
}

impl ReplyExtra for ReplyCopies {
    fn view(&self) -> AnyView {
        let (cc, bcc, errors, mode, open) = (self.cc, self.bcc, self.errors, self.draft.mode, self.open);
        view! {
            <Show when=move || mode.get() == ReplyMode::Reply && !open.get()>
                <button type="button" class="secondary" data-testid="reply-copies-open" on:click=move |_| open.set(true)>
                    "Cc / Bcc"
                </button>
            </Show>
            <Show when=move || mode.get() == ReplyMode::Reply && open.get()>
                <div class="copies" data-testid="reply-copies">
                    <TextField id="reply-cc" name="cc" label="Cc" value=cc errors
                        hint="Kept on the ticket: they get its responses and may answer. Separate addresses with commas."/>
                    <TextField id="reply-bcc" name="bcc" label="Bcc" value=bcc errors
                        hint="This response only; nobody but agents sees where it went."/>
                </div>
            </Show>
        }
        .into_any()
    }

    fn check(&self, note: bool) -> bool {
        if note {
            return true;
        }
        let mut checks = Checks::default();
        for (key, id, label, field) in [("cc", "reply-cc", "Cc", self.cc), ("bcc", "reply-bcc", "Bcc", self.bcc)] {
            if let Err(reason) = checked_list(&field.get_untracked()) {
                checks.fail(key, id, format!("{label}: {reason}."));
            }
        }
        checks.finish(self.errors)
    }

    fn fill(&self, update: &mut TicketUpdate, note: bool) {
        if note {
            return;
        }
        let wanted = address_list(&self.cc.get_untracked());
        let now: Vec<String> = self.ticket.with_untracked(|t| {
            t.as_ref().map(|t| t.cc.iter().map(|p| p.email.to_lowercase()).collect()).unwrap_or_default()
        });
        if addresses(&wanted) != addresses(&now) {
            update.cc = Some(wanted);
        }
        let bcc = address_list(&self.bcc.get_untracked());
        update.bcc = Some(bcc).filter(|b| !b.is_empty());
    }

    fn show_server_errors(&self, error: &ApiError) {
        show_server_errors(error, self.errors);
    }

    fn sent(&self) {
        self.bcc.set(String::new());
        self.errors.set(FieldErrors::new());
        // What was sent is what the ticket now has: the reloaded ticket shows it again.
        self.shown.set_value(self.cc.get_untracked());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_show_participants_so_that_they_read_back_the_same() {
        let people = vec![
            Participant { id: 1, name: "Lee, Bea".into(), email: "bea@example.com".into() },
            Participant { id: 2, name: "Carl".into(), email: "carl@example.com".into() },
        ];
        let text = written(&people);
        assert_eq!(text, "\"Lee, Bea\" <bea@example.com>, Carl <carl@example.com>");
        assert_eq!(addresses(&checked_list(&text).unwrap()), ["bea@example.com", "carl@example.com"]);
        assert!(checked_list("bea@example.com, nobody").unwrap_err().contains("nobody"));
    }
}
