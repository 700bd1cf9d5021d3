//! The job worker (core::jobs) with a kind of its own, on a real database (SQLite, or PostgreSQL
//! with TEST_DATABASE_URL): backoff and the final failed state with its last error; two workers
//! never run the same job; a killed worker's job is taken again, an unsure one is not, and a
//! worker whose claim was taken over records nothing; the administrator's list and retry, with
//! their bad inputs. Mail delivery's own guarantees are in mail.rs.

mod common;

use std::sync::Mutex;
use std::time::Duration;

use common::{app, first_admin, send, state, test_db, Auth};
use oxidesk::core::jobs::{self, Claimed, Failure, JobFuture, Kind, Round, Tally};
use oxidesk::core::state::AppState;
use serde_json::{json, Value};

/// Every run of a test job: (the test's tag, the job's id).
static RUNS: Mutex<Vec<(String, i64)>> = Mutex::new(Vec::new());

/// A kind whose payload says how each attempt ends: {"tag": …, "then": "ok" | "retry" | "fail" | "unsure"}.
static TEST: Kind = Kind {
    name: "test.outcome",
    batch: 5,
    max_attempts: 2,
    enabled: |_| true,
    ready: |_| Ok(true),
    // Long enough that a retried job is not due again within a test.
    retry_base: |_| Duration::from_secs(600),
    lease: |_| Duration::from_secs(60),
    run,
};

fn run(round: Round, jobs: Vec<Claimed>) -> JobFuture {
    Box::pin(async move {
        for job in jobs {
            let payload: Value = serde_json::from_str(&job.payload).unwrap();
            RUNS.lock().unwrap().push((payload["tag"].as_str().unwrap().to_owned(), job.id));
            // Other tasks get their turn between jobs, as a real kind's network calls give it.
            tokio::task::yield_now().await;
            let result = match payload["then"].as_str().unwrap() {
                "ok" => Ok(()),
                "retry" => Err(Failure::Retry("try later".into())),
                "fail" => Err(Failure::Permanent("never".into())),
                _ => {
                    round.handing_over(&job).await.unwrap();
                    Err(Failure::Unsure("broke during the hand-over".into()))
                }
            };
            round.finish(&job, result).await;
        }
    })
}

fn enqueue(st: &AppState, tag: &str, then: &str) -> i64 {
    jobs::enqueue(&mut common::conn(st), &TEST, &json!({"tag": tag, "then": then})).unwrap()
}

async fn round(st: &AppState) -> Tally {
    jobs::run_due(&st.pool, &st.config, &TEST).await.expect("a round")
}

/// Takes the due jobs as a worker that then dies would: its lease has already run out.
fn claim_and_die(st: &AppState, token: &str) -> Vec<Claimed> {
    let now = chrono::Utc::now().naive_utc();
    jobs::claim(&mut common::conn(st), TEST.name, token, now, now - chrono::Duration::seconds(1), 10).unwrap()
}

fn runs(tag: &str) -> Vec<i64> {
    RUNS.lock().unwrap().iter().filter(|(t, _)| t == tag).map(|(_, id)| *id).collect()
}

fn unique(name: &str) -> String {
    format!("{name}-{}", rand::random::<u64>())
}

#[actix_web::test]
async fn jobs_are_retried_with_backoff_then_failed_with_their_last_error_and_an_administrator_retries_them() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let tag = unique("outcomes");
    let ok = enqueue(&st, &tag, "ok");
    let retry = enqueue(&st, &tag, "retry");
    let fail = enqueue(&st, &tag, "fail");
    assert_eq!(round(&st).await, Tally { done: 1, retrying: 1, failed: 1, unsure: 0 });
    assert_eq!(round(&st).await, Tally::default(), "the retry waits for its time; done and failed jobs stay");

    let job = |id: i64| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let (status, list) = send(app, "GET", "/api/jobs.json?kind=test.outcome", Auth::Bearer(&admin), None).await;
            assert_eq!(status, 200, "{list}");
            list.as_array().unwrap().iter().find(|j| j["id"] == id).cloned().unwrap()
        }
    };
    let waiting = job(retry).await;
    assert_eq!((waiting["status"].as_str(), waiting["attempts"].as_i64()), (Some("pending"), Some(1)), "{waiting}");
    assert_eq!(waiting["last_error"], "try later");
    assert!(waiting["next_attempt"].is_string() && waiting["finished"].is_null(), "{waiting}");
    assert_eq!(waiting["payload"]["tag"], tag.as_str());
    assert_eq!(job(ok).await["status"], "done");
    assert!(job(ok).await["finished"].is_string());
    let failed = job(fail).await;
    assert_eq!((failed["status"].as_str(), failed["last_error"].as_str()), (Some("failed"), Some("never")));

    // Its time comes: the second attempt is the last one allowed.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!("UPDATE jobs SET run_at = created_at WHERE id = {retry}")),
        &mut common::conn(&st),
    )
    .unwrap();
    assert_eq!(round(&st).await, Tally { failed: 1, ..Tally::default() });
    let gave_up = job(retry).await;
    assert_eq!((gave_up["status"].as_str(), gave_up["attempts"].as_i64()), (Some("failed"), Some(2)));
    assert_eq!(gave_up["last_error"], "gave up after 2 attempts: try later");
    assert_eq!(runs(&tag).iter().filter(|id| **id == retry).count(), 2);

    // The administrator runs a failed job again: due at once, one more attempt.
    let path = format!("/api/jobs.json/{fail}/retry");
    let (status, again) = send(&app, "POST", &path, Auth::Bearer(&admin), None).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("pending")), "{again}");
    assert_eq!(common::audit_count(&st, "job.retry"), 1);
    assert_eq!(round(&st).await, Tally { failed: 1, ..Tally::default() });
    assert_eq!(runs(&tag).iter().filter(|id| **id == fail).count(), 2);

    // Bad inputs change nothing.
    let (status, err) = send(&app, "POST", &format!("/api/jobs.json/{ok}/retry"), Auth::Bearer(&admin), None).await;
    assert_eq!(status, 409, "a done job does not run again: {err}");
    assert_eq!(send(&app, "POST", "/api/jobs.json/999999/retry", Auth::Bearer(&admin), None).await.0, 404);
    assert_eq!(send(&app, "POST", "/api/jobs.json/abc/retry", Auth::Bearer(&admin), None).await.0, 404);
    for query in ["status=lost", "per_page=0", "per_page=101", "page=0"] {
        let (status, err) = send(&app, "GET", &format!("/api/jobs.json?{query}"), Auth::Bearer(&admin), None).await;
        assert_eq!(status, 422, "{query}: {err}");
    }
    let (status, failed_only) = send(&app, "GET", "/api/jobs.json?status=failed", Auth::Bearer(&admin), None).await;
    assert_eq!((status, failed_only.as_array().map(Vec::len)), (200, Some(2)), "{failed_only}");
    let (_, none) = send(&app, "GET", "/api/jobs.json?kind=nothing.such", Auth::Bearer(&admin), None).await;
    assert_eq!(none.as_array().map(Vec::len), Some(0));

    // Administrators only: not agents, customers, or keys without the admin scope.
    let writer = common::api_key(&st, "read,write");
    let runner = common::api_key(&st, "read,write,admin");
    assert_eq!(send(&app, "GET", "/api/jobs.json", Auth::Nobody, None).await.0, 401);
    assert_eq!(send(&app, "GET", "/api/jobs.json", Auth::Key(&writer), None).await.0, 403);
    assert_eq!(send(&app, "POST", &path, Auth::Key(&writer), None).await.0, 403);
    assert_eq!(send(&app, "GET", "/api/jobs.json", Auth::Key(&runner), None).await.0, 200);
    for level in [1, 3, 5] {
        let (status, user) = send(
            &app,
            "POST",
            "/api/users.json",
            Auth::Bearer(&admin),
            Some(json!({"username": format!("user{level}"), "name": "Some One", "email": format!("u{level}@example.com"), "password": "a long passphrase", "level": level})),
        )
        .await;
        assert_eq!(status, 201, "{user}");
        let token = common::bearer(&st, user["id"].as_i64().unwrap());
        assert_eq!(send(&app, "GET", "/api/jobs.json", Auth::Bearer(&token), None).await.0, 403, "level {level}");
        assert_eq!(send(&app, "POST", &path, Auth::Bearer(&token), None).await.0, 403, "level {level}");
    }
}

#[actix_web::test]
async fn two_workers_never_run_the_same_job() {
    let db = test_db();
    let st = state(&db);
    let tag = unique("busy");
    let ids: Vec<i64> = (0..60).map(|_| enqueue(&st, &tag, "ok")).collect();
    let workers = (0..4).map(|_| {
        let st = st.clone();
        tokio::spawn(async move {
            let mut done = 0;
            loop {
                let round = jobs::run_due(&st.pool, &st.config, &TEST).await.expect("a round").done;
                if round == 0 {
                    return done;
                }
                done += round;
            }
        })
    });
    let mut total = 0;
    for w in workers.collect::<Vec<_>>() {
        total += w.await.unwrap();
    }
    let mut ran = runs(&tag);
    ran.sort();
    assert_eq!((total, ran), (60, ids));
}

#[actix_web::test]
async fn a_killed_workers_job_is_taken_again_an_unsure_one_is_not_and_a_stale_worker_records_nothing() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    // Killed after taking the job: its lease runs out and the next round takes it.
    let tag = unique("killed");
    let lost = enqueue(&st, &tag, "ok");
    let taken = claim_and_die(&st, "dead");
    assert_eq!(taken.iter().map(|j| j.id).collect::<Vec<_>>(), [lost]);
    assert_eq!(round(&st).await.done, 1);
    assert_eq!(runs(&tag), [lost]);

    // The stale worker comes back: it can neither hand over nor record anything for the job.
    let stale = Claimed { attempts: 1, ..taken[0].clone() };
    let mut tally = Tally::default();
    assert!(jobs::handing_over(&mut common::conn(&st), lost, "dead").is_err());
    let finished = oxidesk::core::db::write_tx(&mut common::conn(&st), |conn| {
        jobs::finish(conn, &stale, "dead", Duration::from_secs(1), Err(Failure::Permanent("late".into())), &mut tally)
    });
    assert!(finished.is_err(), "the stale worker's failure is not recorded");
    let (_, list) = send(&app, "GET", "/api/jobs.json", Auth::Bearer(&admin), None).await;
    assert_eq!(list[0]["status"], "done", "{list}");

    // Killed while its effect was happening: unsure, never run again on its own.
    let tag = unique("unsure");
    let unsure = enqueue(&st, &tag, "ok");
    let taken = claim_and_die(&st, "dying");
    jobs::handing_over(&mut common::conn(&st), taken[0].id, "dying").unwrap();
    assert_eq!(round(&st).await, Tally::default());
    assert!(runs(&tag).is_empty());
    // A kind that reports it unsure itself.
    let reported = enqueue(&st, &tag, "unsure");
    assert_eq!(round(&st).await, Tally { unsure: 1, ..Tally::default() });
    let (_, list) = send(&app, "GET", "/api/jobs.json?status=unsure", Auth::Bearer(&admin), None).await;
    let listed: Vec<i64> = list.as_array().unwrap().iter().map(|j| j["id"].as_i64().unwrap()).collect();
    assert_eq!(listed, [reported, unsure]);
    // The administrator decides.
    let (status, _) = send(&app, "POST", &format!("/api/jobs.json/{unsure}/retry"), Auth::Bearer(&admin), None).await;
    assert_eq!(status, 200);
    assert_eq!(round(&st).await.done, 1);
    assert_eq!(runs(&tag), [reported, unsure]);
}
