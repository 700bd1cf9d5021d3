//! Who is asking: the ticket's customer in the agents' side panel — name, address and phone, when
//! they last wrote, their open tickets and their latest ones — and giving the ticket to someone
//! else (an E entry records it).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::tickets::{Ticket, TicketUpdate};
use shared::validate::PersonName;
use ui::api::{self, ApiError, DeskPage};
use ui::components::feedback::ErrorNotice;
use ui::components::person_picker::{initials, Person, PersonPicker};
use ui::components::ticket_actions::{action_error, change_action, version, Change, TicketContext};
use ui::paths::href;
use ui::session::Session;
use ui::task::Loader;
use ui::text::When;

/// How many of their tickets each list shows.
const SHOWN: usize = 5;

/// The customer's tickets: open ones (with their count) and the ones they wrote on last.
#[derive(Clone, PartialEq)]
struct History {
    open: DeskPage,
    recent: DeskPage,
}

#[component]
pub fn CustomerPanel(ctx: TicketContext) -> impl IntoView {
    let session = Session::get();
    let customer = Memo::new(move |_| ctx.ticket.get().map(|t| t.user));
    let history = Loader::new(move || {
        let id = customer.get().map(|c| c.id);
        async move {
            let Some(id) = id else {
                return Err(ApiError::Decode("no ticket".into()));
            };
            let list = |extra: &[(&str, &str)]| {
                let mut params =
                    vec![("user_id".to_owned(), id.to_string()), ("per_page".into(), (SHOWN + 1).to_string())];
                params.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
                api::search_call(&params)
            };
            let open = api::desk_page(session.send(&list(&[("status", "open,pending"), ("sort", "-updated")])).await?)?;
            let recent = api::desk_page(session.send(&list(&[("sort", "-message")])).await?)?;
            Ok(History { open, recent })
        }
    });
    let this = Memo::new(move |_| ctx.ticket.get().map(|t| t.ticket_number).unwrap_or_default());
    let others = move |page: &DeskPage| -> Vec<Ticket> {
        let this = this.get();
        page.tickets.iter().filter(|t| t.ticket_number != this).take(SHOWN).cloned().collect()
    };

    view! {
        <section class="side-section customer" aria-labelledby="customer-heading" data-testid="customer-panel">
            <h2 id="customer-heading">"Customer"</h2>
            {move || customer.get().map(|c| {
                let mailto = format!("mailto:{}", c.email);
                view! {
                    <div class="person">
                        <span class="avatar" aria-hidden="true">{initials(&c.fullname, &c.email)}</span>
                        <div>
                            <p class="person-name" data-testid="customer-name">{c.fullname}</p>
                            <p><a href=mailto data-testid="customer-email">{c.email}</a></p>
                            {(!c.phone.is_empty()).then(|| view! { <p data-testid="customer-phone">{c.phone}</p> })}
                            {c.timezone.and_then(|zone| local_time(&zone).map(|time| view! {
                                <p class="muted" data-testid="customer-time">{format!("Their time: {time} ({zone})")}</p>
                            }))}
                            {c.language.map(|tag| view! {
                                <p class="muted" data-testid="customer-language">
                                    {format!("Reads {}", language_name(&tag).map(|name| format!("{name} ({tag})")).unwrap_or(tag))}
                                </p>
                            })}
                        </div>
                    </div>
                }
            })}
            {move || match history.get() {
                None => view! { <p class="muted">"Loading their tickets…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error retry=Callback::new(move |()| history.reload())/> }.into_any(),
                Some(Ok(h)) => {
                    let last = h.recent.tickets.first().and_then(|t| t.last_message_timestamp.clone());
                    let open_total = h.open.total;
                    let open = others(&h.open);
                    let recent = others(&h.recent);
                    view! {
                        <p data-testid="customer-last-wrote">
                            {match last {
                                Some(at) => view! { "Last wrote " <When value=at/> }.into_any(),
                                None => "Has not written yet".into_any(),
                            }}
                        </p>
                        <h3>{format!("Open tickets ({open_total})")}</h3>
                        <TicketLinks tickets=open empty="No other open tickets." testid="customer-open"/>
                        <h3>"Recent tickets"</h3>
                        <TicketLinks tickets=recent empty="No other tickets." testid="customer-recent"/>
                    }
                    .into_any()
                }
            }}
            <ChangeRequester ctx/>
        </section>
    }
}

#[component]
pub(crate) fn TicketLinks(tickets: Vec<Ticket>, empty: &'static str, testid: &'static str) -> impl IntoView {
    if tickets.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <ul class="ticket-links" data-testid=testid>
            {tickets.into_iter().map(|t| {
                let state = format!("badge state-{}", t.status_state.as_str());
                view! {
                    <li>
                        <a href=href(&format!("/tickets/{}", t.ticket_number))>{t.subject}</a>
                        " " <span class=state>{t.ticket_status}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Gives the ticket to another customer, found by name or address, or new.
#[component]
fn ChangeRequester(ctx: TicketContext) -> impl IntoView {
    let action = change_action(ctx, "Customer changed.");
    let pending = action.pending();
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(None::<Person>);
    let error = RwSignal::new(None::<String>);
    // Saved: fold the form away.
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            open.set(false);
            chosen.set(None);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(person) = chosen.get_untracked() else {
            error.set(Some("Choose the customer first: search by name or type an address.".into()));
            return;
        };
        let name = Some(person.name.trim().to_owned()).filter(|n| !person.known && !n.is_empty());
        if let Some(Err(reason)) = name.as_deref().map(PersonName::parse) {
            error.set(Some(format!("Their name {reason}.")));
            return;
        }
        action.dispatch(Change::Update(TicketUpdate {
            requester_email: Some(person.email),
            requester_name: name,
            version: version(ctx),
            ..Default::default()
        }));
    };
    // The server's word on the address or name lands on the picker.
    Effect::new(move |_| {
        if let Some(Err(e)) = action.value().get() {
            let fields = e.fields();
            if let Some(reason) = fields.get("requester_email").or_else(|| fields.get("requester_name")) {
                error.set(Some(format!("The address or name {reason}.")));
            }
        }
    });
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class="secondary" data-testid="change-customer" on:click=move |_| open.set(true)>
                    "Change customer"
                </button>
            }
        >
            <form class="stack" novalidate on:submit=on_submit data-testid="change-customer-form">
                <PersonPicker id="new-requester" label="Give the ticket to" chosen error/>
                <div class="button-row">
                    <button type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { "Saving…" } else { "Save customer" }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </form>
        </Show>
        {action_error(action)}
    }
}

/// The time now in a time zone, as the reader writes times ("14:05"); None for a zone the
/// browser does not know.
fn local_time(zone: &str) -> Option<String> {
    let options = [("timeZone", zone), ("hour", "2-digit"), ("minute", "2-digit")];
    intl("DateTimeFormat", &options, "format", &js_sys::Date::new_0())
}

/// A language's name in the agent's own language ("German" for `de`); None for a tag the
/// browser does not know.
fn language_name(tag: &str) -> Option<String> {
    intl("DisplayNames", &[("type", "language")], "of", &tag.into()).filter(|name| name != tag)
}

/// `new Intl.<kind>(undefined, options).<method>(argument)`, in the reader's own locale: None
/// where the browser refuses (an unknown zone or tag throws, which `construct` and `call1`
/// return as errors).
fn intl(kind: &str, options: &[(&str, &str)], method: &str, argument: &wasm_bindgen::JsValue) -> Option<String> {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let given = js_sys::Object::new();
    for (key, value) in options {
        Reflect::set(&given, &(*key).into(), &(*value).into()).ok()?;
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let make: Function = Reflect::get(&intl, &kind.into()).ok()?.dyn_into().ok()?;
    let made = Reflect::construct(&make, &js_sys::Array::of2(&JsValue::UNDEFINED, &given)).ok()?;
    let call: Function = Reflect::get(&made, &method.into()).ok()?.dyn_into().ok()?;
    call.call1(&made, argument).ok()?.as_string()
}
