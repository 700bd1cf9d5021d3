//! The job worker's jobs, newest first: what waits (and until when), what runs, what failed and
//! why — and "Run again" for a failed job, or an unsure one whose effect may have happened.

use leptos::prelude::*;
use shared::jobs::Job;

use super::AdminLayout;
use ui::api::jobs;
use ui::crud::{paged_list, send_action, ActionError, Filter};
use ui::text::timestamp;

const STATUSES: Filter = Filter {
    label: "Status",
    choices: &[
        ("", "All"),
        ("pending", "Waiting"),
        ("running", "Running"),
        ("unsure", "Unsure"),
        ("done", "Done"),
        ("failed", "Failed"),
    ],
};

#[component]
pub fn JobsPage() -> impl IntoView {
    view! {
        <AdminLayout title="Jobs">
            <p class="muted">"Work the server does in the background — each mail it sends is one job. "
                "A failed job, or one stopped while its effect was happening (it may have happened), "
                "runs again only when you ask."</p>
            {paged_list(
                STATUSES,
                "jobs",
                |token, status, page| async move { jobs::list(&token, &status, page).await },
                job_item,
            )}
        </AdminLayout>
    }
}

fn job_item(job: Job, changed: Callback<()>) -> AnyView {
    let id = job.id;
    // The list is loaded again, with the job's new status.
    let retry = send_action(
        RwSignal::new(Default::default()),
        move |token, ()| async move { jobs::retry(&token, id).await },
        move |_| changed.run(()),
    );
    let pending = retry.pending();
    let can_retry = matches!(job.status.as_str(), "failed" | "unsure");
    let when = match (&job.finished, &job.next_attempt) {
        (Some(finished), _) => format!("finished {}", timestamp(finished)),
        (None, Some(next)) if job.status == "pending" => format!("next attempt {}", timestamp(next)),
        _ => format!("created {}", timestamp(&job.created)),
    };
    let facts = format!(" #{id} · {} of {} attempts · {when}", job.attempts, job.max_attempts);
    view! {
        <li data-testid="job" data-status=job.status.clone()>
            <p class="mail-meta">
                <strong>{job.kind.clone()}</strong>" "
                <span class=format!("badge job-{}", job.status) data-testid="job-state">
                    {STATUSES.label_of(&job.status).to_owned()}
                </span>
                <span class="muted">{facts}</span>
            </p>
            <code class="muted">{job.payload.to_string()}</code>
            {job.last_error.clone().map(|e| view! { <p class="mail-error" data-testid="job-error">{e}</p> })}
            {can_retry.then(|| view! {
                <button type="button" class="secondary small" disabled=move || pending.get()
                    on:click=move |_| { retry.dispatch(()); }>
                    "Run again"
                </button>
            })}
            <ActionError action=retry/>
        </li>
    }
    .into_any()
}
